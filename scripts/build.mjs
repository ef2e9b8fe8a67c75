// Builds dist/index.js (the Action) and dist/cli.js (the CLI): ESM entries with shared, lazily imported chunks in
// dist/chunks/ (esbuild code splitting), so a command parses and compiles only the modules it uses: `validate` never
// loads the emulator, the HTTP client, the report writers or the backup pipeline. The entries turn on Node's module
// compile cache (module.enableCompileCache, Node ≥ 22.1) before importing the rest.
//
// Size and cold start: the Action needs @actions/artifact (Azure SDK) and @actions/github (Octokit, undici) only after
// the pipeline ran, and most runs (local, fork PRs) never. Parsing their
// ~2 MB on every start costs more than the budget allows, so they are bundled separately (CJS, each package initialised on
// first use), brotli-compressed into dist/chunks/deferred-actions.br, and read, decompressed and compiled on the first
// `import()` of one of them. zod and yaml are deferred the same way (deferred-zod.br, deferred-yaml.br), behind
// stand-ins that load them on first use: a valid config and valid training files need neither (see GROUPS). The eager part's @actions/core reaches @actions/http-client (undici, tunnel, http/https)
// only for OIDC tokens, never requested here: it gets a stub that says so; so does its core.platform's @actions/exec.
import { build } from "esbuild";
import { createHash } from "node:crypto";
import { chmodSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { brotliCompressSync, constants } from "node:zlib";

const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
const banner =
  "import { createRequire as __cnluCreateRequire } from 'node:module';\n" +
  "const require = __cnluCreateRequire(import.meta.url);";

/**
 * zod re-exports every locale (`z.locales.*`, ~260 KB minified) from its namespace object, so none can be tree-shaken;
 * messages are English only here (`z.config(z.locales.xx())` is never called), so the index keeps `en` alone.
 */
const zodEnglishOnly = {
  name: "zod-english-only",
  setup(b) {
    b.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (a) =>
      /[\\/]zod[\\/]v4[\\/]/.test(a.importer) ? { path: a.importer.replace(/[\\/](classic|core|mini)[\\/][^\\/]+$/, "/locales/en.js"), namespace: "zod-locales" } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: "zod-locales" }, (a) => ({ contents: `export { default as en } from "./en.js";\n`, loader: "js", resolveDir: a.path.replace(/[\\/][^\\/]+$/, "") }));
  },
};

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
  plugins: [zodEnglishOnly],
};

/**
 * The deferred packages by group, with the names src/ imports from each (a missing one is a build error, not a runtime
 * surprise). Each group is one packed CJS bundle, decompressed and compiled on first use. `lazy`: the imported names are
 * stand-ins that load the group on first property access, so even importing modules that declare zod schemas costs
 * nothing; zod is needed only when a file is invalid (src/config/fast-schema.ts accepts valid ones without it).
 */
const GROUPS = {
  actions: { lazy: false, packages: { "@actions/artifact": ["DefaultArtifactClient"], "@actions/github": ["getOctokit"] } },
  zod: { lazy: true, packages: { zod: ["z"] } },
  // the config and training files in the plain subset are read by src/dataset/fast-yaml.ts; `yaml` for the rest
  yaml: {
    lazy: true,
    packages: { yaml: ["Document", "isAlias", "isMap", "isPair", "isScalar", "isSeq", "LineCounter", "parse", "parseDocument", "YAMLMap", "YAMLSeq"] },
  },
};
const groupOf = new Map(Object.entries(GROUPS).flatMap(([g, { packages }]) => Object.keys(packages).map((p) => [p, g])));

/** One CJS bundle per group: `module.exports[pkg]()` initialises and returns that package (shared dependencies bundled once). */
async function deferredBundle(packages) {
  const contents = `module.exports = {\n${Object.keys(packages)
    .map((mod) => `  ${JSON.stringify(mod)}: () => require(${JSON.stringify(mod)}),`)
    .join("\n")}\n};\n`;
  const r = await build({
    ...common,
    format: "cjs",
    write: false,
    stdin: { contents, resolveDir: process.cwd(), loader: "js" },
    // required lazily, but these packages only export an "import" entry
    conditions: ["import"],
    define: { ...common.define, "import.meta.url": "__cnluMetaUrl" },
    banner: { js: "var __cnluMetaUrl=require('node:url').pathToFileURL(__filename).href;" },
  });
  const code = Buffer.from(r.outputFiles[0].text, "utf8");
  const packed = brotliCompressSync(code, {
    params: { [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT, [constants.BROTLI_PARAM_QUALITY]: 9, [constants.BROTLI_PARAM_SIZE_HINT]: code.length },
  });
  return packed;
}

/** The module that unpacks one group: `load()` returns its `module.exports` (built once). */
function loaderCode(group) {
  const name = `deferred-${group}.br`;
  return [
    'import { existsSync, readFileSync } from "node:fs";',
    'import { createRequire } from "node:module";',
    'import { dirname, join } from "node:path";',
    'import { runInThisContext } from "node:vm";',
    'import { fileURLToPath } from "node:url";',
    'import { brotliDecompressSync } from "node:zlib";',
    "let cached;",
    "export function load() {",
    "  if (cached) return cached;",
    "  const filename = fileURLToPath(import.meta.url);",
    "  const dir = dirname(filename);",
    `  const file = [join(dir, ${JSON.stringify(name)}), join(dir, "chunks", ${JSON.stringify(name)})].find((f) => existsSync(f));`,
    `  if (!file) throw new Error(${JSON.stringify(`${name} is missing beside the bundle: the dist/ folder is incomplete`)});`,
    '  const code = brotliDecompressSync(readFileSync(file)).toString("utf8");',
    '  const fn = runInThisContext("(function (exports, require, module, __filename, __dirname) {" + code + "\\n})", { filename: filename + " (deferred)" });',
    "  const module = { exports: {} };",
    "  fn(module.exports, createRequire(import.meta.url), module, filename, dir);",
    "  return (cached = module.exports);",
    "}",
  ].join("\n");
}

/** The stand-in module of one deferred package. */
function stubCode(pkg) {
  const group = groupOf.get(pkg);
  const names = GROUPS[group].packages[pkg];
  const head = `import { load } from "cnlu:deferred/${group}";\n`;
  if (!GROUPS[group].lazy) return `${head}const m = load()[${JSON.stringify(pkg)}]();\n${names.map((n) => `export const ${n} = m.${n};`).join("\n")}\n`;
  // a function target, so a stand-in can be called, constructed (`new Document()`) and used with instanceof
  return (
    `${head}let m;\nconst get = () => (m ??= load()[${JSON.stringify(pkg)}]());\n` +
    "const stand = (real) => new Proxy(function () {}, {\n" +
    "  apply: (_, self, args) => Reflect.apply(real(), self, args),\n" +
    "  construct: (_, args, target) => Reflect.construct(real(), args, typeof target === 'function' && target.prototype instanceof real() ? target : real()),\n" +
    "  get: (_, k) => Reflect.get(real(), k),\n" +
    "  has: (_, k) => Reflect.has(real(), k),\n" +
    "  getPrototypeOf: () => Reflect.getPrototypeOf(real()),\n" +
    "});\n" +
    names.map((n) => `export const ${n} = stand(() => get().${n});`).join("\n") +
    "\n"
  );
}

function deferPlugin() {
  const names = [...groupOf.keys()].map((m) => m.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&"));
  return {
    name: "defer-heavy-deps",
    setup(b) {
      b.onResolve({ filter: new RegExp(`^(${names.join("|")})$`) }, (a) => ({ path: a.path, namespace: "deferred" }));
      b.onResolve({ filter: /^cnlu:deferred\/[a-z]+$/ }, (a) => ({ path: a.path.slice("cnlu:deferred/".length), namespace: "deferred-code" }));
      b.onResolve({ filter: /^@actions\/http-client(\/lib\/auth)?$/ }, (a) =>
        /@actions[\\/]core[\\/]lib[\\/]oidc-utils\.js$/.test(a.importer) ? { path: a.path, namespace: "oidc-stub" } : undefined,
      );
      // core.platform (OS name and version by running sw_vers / lsb_release / powershell) is never read here: its
      // @actions/exec (and @actions/io) would be parsed on every start for nothing
      b.onResolve({ filter: /^@actions\/exec$/ }, (a) => (/@actions[\\/]core[\\/]lib[\\/]platform\.js$/.test(a.importer) ? { path: a.path, namespace: "exec-stub" } : undefined));
      b.onLoad({ filter: /.*/, namespace: "deferred" }, (a) => ({ contents: stubCode(a.path), loader: "js" }));
      b.onLoad({ filter: /.*/, namespace: "deferred-code" }, (a) => ({ contents: loaderCode(a.path), loader: "js" }));
      b.onLoad({ filter: /.*/, namespace: "exec-stub" }, () => ({
        contents:
          'export function getExecOutput() { return Promise.reject(new Error("core.platform is not available in this Action (@actions/exec not bundled)")); }\n',
        loader: "js",
      }));
      b.onLoad({ filter: /.*/, namespace: "oidc-stub" }, () => ({
        contents:
          'const no = () => { throw new Error("OIDC tokens are not used by this Action (http-client not bundled for @actions/core)"); };\n' +
          "export class HttpClient { constructor() { no(); } }\nexport class BearerCredentialHandler { constructor() { no(); } }\n",
        loader: "js",
      }));
    },
  };
}

// Stale chunks (other hashes) would be committed with the fresh ones: start from an empty chunk folder.
rmSync("dist/chunks", { recursive: true, force: true });
await build({
  ...common,
  entryPoints: { index: "src/index.ts", cli: "src/cli.ts", "fit-worker": "src/classifier/fit-worker.ts" },
  outdir: "dist",
  splitting: true,
  chunkNames: "chunks/[name]-[hash]",
  // every output file gets the banner: `require` for bundled CJS code in whichever chunk it lands; the shebang is
  // valid (and ignored) in any ES module
  banner: { js: `#!/usr/bin/env node\n${banner}` },
  plugins: [zodEnglishOnly, deferPlugin()],
});
// each group's packed bundle beside the chunks, read only when the group is first used (as a string literal inside a
// chunk, ~80 KB of base64 each for zod and yaml cost ≈ 5 ms of every start to parse)
for (const [g, { packages }] of Object.entries(GROUPS)) writeFileSync(`dist/chunks/deferred-${g}.br`, await deferredBundle(packages));
renameChunksByContent();
chmodSync("dist/cli.js", 0o755);

/**
 * esbuild's chunk hashes differ between checkouts in different folders (same bytes, other names), which would make
 * CI's "dist/ is fresh" check fail on any clone but the one that built it. Rename every chunk after a hash of its
 * content with chunk names blanked out, then rewrite the references: the same sources give the same dist/ anywhere.
 */
function renameChunksByContent() {
  const chunks = readdirSync("dist/chunks").filter((f) => f.endsWith(".js"));
  const blank = (text) => text.replace(/([A-Za-z0-9_]+)-[A-Z0-9]{8}\.js/g, "$1-X.js");
  const renamed = new Map();
  for (const f of chunks) {
    const base = f.replace(/-[A-Z0-9]{8}\.js$/, "");
    const hash = createHash("sha256").update(blank(readFileSync(`dist/chunks/${f}`, "utf8"))).digest("hex").slice(0, 10).toUpperCase();
    const name = `${base}-${hash}.js`;
    if ([...renamed.values()].includes(name)) throw new Error(`two chunks with the same content hash: ${name}`);
    renamed.set(f, name);
  }
  const rewrite = (text) => text.replace(/([A-Za-z0-9_]+-[A-Z0-9]{8}\.js)/g, (m) => renamed.get(m) ?? m);
  for (const f of ["dist/index.js", "dist/cli.js", "dist/fit-worker.js", ...chunks.map((c) => `dist/chunks/${c}`)]) {
    writeFileSync(f, rewrite(readFileSync(f, "utf8")));
  }
  for (const [from, to] of renamed) if (from !== to) renameSync(`dist/chunks/${from}`, `dist/chunks/${to}`);
}
