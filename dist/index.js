import { createRequire as __cnluCreateRequire } from 'node:module';
const require = __cnluCreateRequire(import.meta.url);
async function o(){process.stderr.write(`the Action is not built yet
`),process.exitCode=1}o();
