// `cognigy-nlu init [--project NAME] [--flow NAME]… [--force]`: starts a repository for a bot. With an API key it reads
// the project, its flows and locales from Cognigy and writes cognigy-nlu.yml for them; without one, a commented
// template. Also training-data/<flow>/intents/ and the example workflows. Never writes the key; never overwrites a
// file without --force. Non-interactive: several projects and none named → lists them, exit 2.
import { existsSync, readFileSync } from "node:fs";
import { safeMkdir, safeWriteFile } from "../io/safe-fs.js";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { CognigyClient } from "../cognigy/client.js";
import type { CognigyApi, Flow, Locale, Project } from "../cognigy/types.js";
import { ConfigError } from "../errors.js";
import { consoleLogger } from "../logger.js";
import type { CommandContext } from "./context.js";

const DEFAULT_BASE_URL = "https://api-trial.cognigy.ai";
const WORKFLOWS = ["pr-check.yml", "release.yml", "backup.yml"];

export interface InitFlow {
  name: string;
  dir: string;
  locales: Record<string, string>;
  defaultLocale: string;
}

/** YAML-safe scalar: plain when it is a simple word, else JSON-quoted (a subset of YAML). */
function scalar(s: string): string {
  return /^[A-Za-z0-9][\w .-]*$/.test(s) && !/[ .-]$/.test(s) && !/^(true|false|null|yes|no|on|off|~)$/i.test(s) ? s : JSON.stringify(s);
}

/** A folder name for a flow: lower case, words joined by dashes, only [a-z0-9-]. */
export function flowDir(name: string, taken: Set<string>): string {
  const base =
    name
      .normalize("NFKD")
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-+|-+$/g, "")
      .slice(0, 40) || "flow";
  let dir = base;
  for (let n = 2; taken.has(dir); n++) dir = `${base}-${n}`;
  taken.add(dir);
  return `training-data/${dir}`;
}

/** The YAML locale key of a Cognigy locale: its name when that is a short code-like word, else its NLU language. */
function localeKey(l: Locale, taken: Set<string>): string {
  let k = /^[A-Za-z][\w-]{1,19}$/.test(l.name) ? l.name : l.nluLanguage || l._id;
  if (taken.has(k)) k = l._id.slice(-20);
  taken.add(k);
  return k;
}

/** cognigy-nlu.yml for a project read from Cognigy (every key the tool has defaults for is left out; see the README). */
export function renderConfig(baseUrl: string, project: string, flows: readonly InitFlow[]): string {
  const lines = [
    "# cognigy-nlu: keeps this bot's NLU training data in git (https://github.com/cognigy-nlu/cognigy-nlu#readme).",
    "# The API key is never written here: it comes from COGNIGY_API_KEY (the Action: the api-key input).",
    "cognigy:",
    `  baseUrl: ${scalar(baseUrl)}`,
    `  project: ${scalar(project)}`,
    "flows:",
  ];
  for (const f of flows) {
    lines.push(`  - name: ${scalar(f.name)}`, `    dir: ${f.dir}`, `    locales: { ${Object.entries(f.locales).map(([k, v]) => `${scalar(k)}: ${scalar(v)}`).join(", ")} }`, `    defaultLocale: ${scalar(f.defaultLocale)}`);
  }
  lines.push(
    "checks:",
    "  baseline: cognigy-nlu.baseline.json   # known findings (validate --update-baseline): only new ones fail",
    ...GATE_LINES,
  );
  return lines.join("\n");
}

/** The gate both configs start with (the defaults of the README's config example); its last line ends the file. */
const GATE_LINES = [
  "gate:",
  "  macroF1: 0.85",
  "  macroPrecision: 0.80",
  "  maxConfusion: 0.50   # fail when most of an intent's tests (10 or more) go to one other intent: examples filed under the wrong intent",
  "  # minIntentF1: 0.50   # opt in: fail on any intent below this F1 (unset: a warning below 0.50; docs/checks.md)",
  "  maxRegression: 0.02",
  "  minTestsPerIntent: 3",
  "",
];

/** The template written without an API key: every line to fill in is commented. */
export function renderTemplate(baseUrl: string, project: string | undefined, flows: readonly string[]): string {
  const names = flows.length ? flows : ["Main Flow"];
  const taken = new Set<string>();
  return [
    "# cognigy-nlu: keeps this bot's NLU training data in git (https://github.com/cognigy-nlu/cognigy-nlu#readme).",
    "# Written without an API key: fill in the project, flows and locales (or set COGNIGY_API_KEY and run",
    "# `cognigy-nlu init --force` to read them from Cognigy). The key itself never goes in this file.",
    "cognigy:",
    `  baseUrl: ${scalar(baseUrl)}   # your tenant's api- host`,
    `  project: ${scalar(project ?? "My Bot")}   # project name or _id`,
    "flows:",
    ...names.flatMap((n) => [
      `  - name: ${scalar(n)}   # Cognigy flow name or _id`,
      `    dir: ${flowDir(n, taken)}   # intents/*.yml and tests/*.yml`,
      "    locales: { en-US: en-US }   # YAML locale key → Cognigy locale name",
      "    defaultLocale: en-US",
    ]),
    "# checks:",
    "#   baseline: cognigy-nlu.baseline.json",
    ...GATE_LINES,
  ].join("\n");
}

/** The project this init is for: the named one, or the only one; several and none named → ConfigError listing them (exit 2). */
export function pickProject(projects: readonly Project[], name: string | undefined): Project {
  if (name) {
    const hit = projects.filter((p) => p.name === name || p._id === name);
    if (hit.length === 1) return hit[0];
    if (hit.length > 1) throw new ConfigError(`${hit.length} projects are named '${name}': pass its _id with --project (${hit.map((p) => p._id).join(", ")})`);
    throw new ConfigError(`no project '${name}' among the ${projects.length} this API key can see: ${projects.map((p) => `'${p.name}'`).join(", ") || "(none)"}`);
  }
  if (projects.length === 1) return projects[0];
  if (projects.length === 0) throw new ConfigError("this API key sees no project: create one in Cognigy, or check the key's user is a member of one");
  const list = projects.map((p) => `  ${p.name} (${p._id})`).join("\n");
  throw new ConfigError(`this API key sees ${projects.length} projects; name one with --project:\n${list}`, "cognigy-nlu init --project NAME");
}

/** Reads the project, its flows (all, or the ones named) and locales from Cognigy. */
export async function describeProject(client: CognigyApi, opts: { project?: string; flows: readonly string[] }): Promise<{ project: Project; flows: InitFlow[] }> {
  const project = pickProject(await client.listProjects(), opts.project);
  const all: Flow[] = await client.listFlows(project._id);
  let chosen = all;
  if (opts.flows.length) {
    const missing = opts.flows.filter((n) => !all.some((f) => f.name === n || f._id === n));
    if (missing.length) throw new ConfigError(`project '${project.name}' has no flow ${missing.map((m) => `'${m}'`).join(", ")} (it has ${all.map((f) => `'${f.name}'`).join(", ") || "none"})`);
    chosen = all.filter((f) => opts.flows.includes(f.name) || opts.flows.includes(f._id));
  }
  if (chosen.length === 0) throw new ConfigError(`project '${project.name}' has no flows: create one in Cognigy first`);
  const locales = await client.listLocales(project._id);
  const keys = new Set<string>();
  const keyed = locales.map((l) => ({ l, key: localeKey(l, keys) }));
  const primary = keyed.find((k) => k.l._id === project.primaryLocaleReference) ?? keyed.find((k) => k.l.primary) ?? keyed[0];
  const dirs = new Set<string>();
  const flows = chosen.map((f) => {
    const own = keyed.find((k) => k.l._id === f.localeReference) ?? primary;
    return {
      name: f.name,
      dir: flowDir(f.name, dirs),
      locales: Object.fromEntries(keyed.map((k) => [k.key, k.l.name])),
      defaultLocale: own?.key ?? "en-US",
    };
  });
  return { project, flows };
}

/** The examples folder of this installation (next to dist/ or src/). */
function examplesDir(): string | undefined {
  const here = dirname(fileURLToPath(import.meta.url));
  for (const d of [join(here, "..", "examples"), join(here, "..", "..", "examples")]) if (existsSync(join(d, "pr-check.yml"))) return d;
  return undefined;
}

export async function run(ctx: CommandContext): Promise<number> {
  const v = ctx.values;
  const str = (k: string) => (typeof v[k] === "string" ? (v[k] as string) : undefined);
  const flowNames = ((v.flow as unknown as string[] | undefined) ?? []).map((s) => s.trim()).filter(Boolean);
  const force = v.force === true;
  const root = resolve(ctx.cwd);
  const configRel = str("config") ?? "cognigy-nlu.yml";
  const baseUrl = (str("base-url") ?? DEFAULT_BASE_URL).replace(/\/+$/, "");
  try {
    const u = new URL(baseUrl);
    if (u.protocol !== "http:" && u.protocol !== "https:") throw new Error("scheme");
  } catch {
    throw new ConfigError(`base-url: expected an http(s) URL, got '${baseUrl}'`);
  }
  const apiKey = ctx.env.COGNIGY_API_KEY || undefined;
  const log = consoleLogger({ debug: ctx.debug, redact: (s) => (apiKey ? s.split(apiKey).join("***") : s) });
  let configText: string;
  let flows: { name: string; dir: string }[];
  let projectName: string | undefined;
  if (apiKey) {
    const rate = str("rate-limit");
    const client = new CognigyClient({ baseUrl, apiKey, rateLimit: rate !== undefined ? Number(rate) : 1000, logger: log });
    const d = await describeProject(client, { project: str("project"), flows: flowNames });
    projectName = d.project.name;
    flows = d.flows;
    configText = renderConfig(baseUrl, d.project.name, d.flows);
    log.info(`project '${d.project.name}': ${d.flows.length} flow(s) — ${d.flows.map((f) => `${f.name} → ${f.dir}`).join(", ")}`);
  } else {
    projectName = str("project");
    configText = renderTemplate(baseUrl, projectName, flowNames);
    const taken = new Set<string>();
    flows = (flowNames.length ? flowNames : ["Main Flow"]).map((n) => ({ name: n, dir: flowDir(n, taken) }));
    log.warn("no COGNIGY_API_KEY: wrote a commented template; fill in the project, flows and locales");
  }
  const written: string[] = [];
  const kept: string[] = [];
  const put = async (rel: string, text: string) => {
    const path = resolve(root, rel);
    if (existsSync(path) && !force) {
      kept.push(rel);
      return;
    }
    await safeWriteFile(root, path, text);
    written.push(rel);
  };
  await put(configRel, configText);
  for (const f of flows) {
    const intents = join(f.dir, "intents");
    if (!existsSync(resolve(root, intents))) {
      await safeMkdir(root, resolve(root, intents));
      await put(join(intents, ".gitkeep"), "");
    }
  }
  const ex = examplesDir();
  if (ex) for (const w of WORKFLOWS) if (existsSync(join(ex, w))) await put(join(".github", "workflows", w), readFileSync(join(ex, w), "utf8"));
  for (const w of written) log.info(`wrote ${w}`);
  if (kept.length) log.info(`kept ${kept.length} existing file(s) (--force overwrites): ${kept.join(", ")}`);
  log.info("next:");
  if (!apiKey) log.info("  fill in cognigy-nlu.yml, export COGNIGY_API_KEY, then:");
  log.info("  cognigy-nlu pull --holdout 0.2          # the bot's intents into training-data/, a fifth of each intent's examples as held-out tests");
  log.info("  cognigy-nlu validate --update-baseline  # record today's findings as known: only new ones fail from now on");
  log.info("  git add -A && git commit                # then push to the default branch: the first release removes the held-out tests from Cognigy and retrains");
  log.info("  add the COGNIGY_API_KEY secret to the repository; pull requests are checked by .github/workflows/pr-check.yml");
  if (projectName === undefined && !apiKey) log.info("  (set cognigy.project in cognigy-nlu.yml)");
  return 0;
}
