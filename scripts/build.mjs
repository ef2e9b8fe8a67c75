// Builds dist/index.js (the Action) and dist/cli.js (the CLI): one self-contained ESM file each.
import { build } from "esbuild";
import { chmodSync, readFileSync } from "node:fs";

const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
const banner =
  "import { createRequire as __cnluCreateRequire } from 'node:module';\n" +
  "const require = __cnluCreateRequire(import.meta.url);";

const common = {
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  minify: true,
  legalComments: "none",
  sourcemap: false,
  logLevel: "warning",
  define: { __VERSION__: JSON.stringify(pkg.version) },
};

await build({ ...common, entryPoints: ["src/index.ts"], outfile: "dist/index.js", banner: { js: banner } });
await build({
  ...common,
  entryPoints: ["src/cli.ts"],
  outfile: "dist/cli.js",
  banner: { js: `#!/usr/bin/env node\n${banner}` },
});
chmodSync("dist/cli.js", 0o755);
