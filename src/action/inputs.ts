// The Action's inputs: read once, checked and parsed into a typed ActionConfig and the shared RunConfig; errors name the input.
import { pullRequestBaseSha } from "./context.js";
import { type RunConfig, type RunOverrides, resolveRunConfig } from "../config/options.js";
import { parseAllowedHosts } from "../config/base-url.js";
import { ConfigError } from "../errors.js";

/** Every input of action.yml with its default (mirrored here: a local run gets no runner-applied defaults). */
export const INPUT_DEFAULTS = {
  mode: "check",
  config: "cognigy-nlu.yml",
  "api-key": "",
  "base-url": "",
  project: "",
  flows: "",
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a workflow expression (the runner evaluates it), not a template
  "github-token": "${{ github.token }}",
  comment: "on",
  "fail-on": "error",
  baseline: "",
  "webhook-url": "",
  "webhook-secret": "",
  "webhook-required": "false",
  "artifact-name": "cognigy-nlu-report",
  "retention-days": "",
  shard: "",
  prepare: "false",
  "rate-limit": "",
  out: "cognigy-nlu-report",
  "dry-run": "false",
  "allow-untrained": "false",
  "fail-on-drift": "false",
  "s3-uri": "",
  // Trust (docs/security.md): hosts the API key may go to, plain http beyond loopback, download limits, the baseline's source.
  "allowed-hosts": "",
  "allow-http": "false",
  "download-max-mb": "",
  "download-deadline-seconds": "",
  "baseline-workflow": "",
  "baseline-branch": "",
} as const;

export type InputName = keyof typeof INPUT_DEFAULTS;
export const INPUT_NAMES = Object.keys(INPUT_DEFAULTS) as InputName[];
export type RawInputs = Record<InputName, string>;

/** The inputs holding secrets: registered with the runner and the Redactor before anything is parsed or printed. */
export const SECRET_INPUTS: InputName[] = ["api-key", "webhook-secret", "github-token"];

export const MODES = ["check", "release", "backup", "validate"] as const;
export type ActionMode = (typeof MODES)[number];

export interface ActionConfig {
  mode: ActionMode;
  /** Path of cognigy-nlu.yml as given. */
  config: string;
  /** From the api-key input, else COGNIGY_API_KEY. Never logged. */
  apiKey?: string;
  githubToken?: string;
  comment: "on" | "off" | "on-failure";
  failOn: "error" | "warning" | "never";
  /** A path to a report.json, or `artifact`: the last successful release's report artifact. */
  baseline?: { kind: "path"; path: string } | { kind: "artifact" };
  webhook?: { url: string; secret?: string; required: boolean };
  artifactName: string;
  retentionDays?: number;
  shard?: string;
  /** Check mode: make, sync and train the preview once for the shards (`check --prepare`). */
  prepare: boolean;
  dryRun: boolean;
  allowUntrained: boolean;
  failOnDrift: boolean;
  /** Backup mode: also copy the backup to s3://bucket/prefix (AWS credentials from the environment). */
  s3Uri?: string;
  /** Hosts the base URL may use (empty: any https host). */
  allowedHosts: string[];
  allowHttp: boolean;
  /** `baseline: artifact` only from runs of this workflow file (default: the release workflow) on this branch (default: the default branch). */
  baselineWorkflow?: string;
  baselineBranch?: string;
}

/** Reads every input through the given reader (core.getInput in the Action); empty means "use the default". */
export function readRawInputs(getInput: (name: string) => string): RawInputs {
  const raw = {} as RawInputs;
  for (const name of INPUT_NAMES) {
    const v = getInput(name).trim();
    raw[name] = v === "" ? INPUT_DEFAULTS[name] : v;
  }
  // Outside a runner the expression is never evaluated: no token.
  if (raw["github-token"].startsWith("${{")) raw["github-token"] = "";
  return raw;
}

/** One input's rule: undefined when the value is fine, else what was expected (the message names the input). */
type Rule = (s: string) => string | undefined;

const BOOLEAN = /^(true|True|TRUE|false|False|FALSE)$/;
const bool: Rule = (s) => (BOOLEAN.test(s) ? undefined : `expected true or false, got '${s}'`);
const toBool = (s: string) => /^(true|True|TRUE)$/.test(s);

const oneOf =
  (values: readonly string[]): Rule =>
  (s) =>
    values.includes(s) ? undefined : `expected ${values.slice(0, -1).join(", ")} or ${values[values.length - 1]}, got '${s}'`;

const httpUrl: Rule = (s) => {
  if (s === "") return undefined;
  try {
    const u = new URL(s);
    if (u.protocol === "http:" || u.protocol === "https:") return undefined;
  } catch {
    // below
  }
  return `expected an http(s) URL, got a ${describeScheme(s)}`;
};

/** Never echoes a URL (it may carry a token): only its scheme. */
function describeScheme(s: string): string {
  const m = /^([a-z][a-z0-9+.-]*):/i.exec(s);
  return m ? `'${m[1]}:' URL` : "value that is not a URL";
}

/** The checked inputs, in the order their errors are listed. */
const RULES: Partial<Record<InputName, Rule>> = {
  mode: oneOf(MODES),
  config: (s) => (s.length >= 1 ? undefined : "expected a path to cognigy-nlu.yml"),
  comment: oneOf(["on", "off", "on-failure"]),
  "fail-on": oneOf(["error", "warning", "never"]),
  "webhook-url": httpUrl,
  "webhook-required": bool,
  "artifact-name": (s) => (/^[^"<>:|*?\\/\r\n]{1,200}$/.test(s) ? undefined : `expected an artifact name without " < > : | * ? \\ / or newlines, got '${s}'`),
  "retention-days": (s) => (s === "" || (/^\d+$/.test(s) && Number(s) >= 1 && Number(s) <= 400) ? undefined : `expected a whole number of days from 1 to 400, got '${s}'`),
  "dry-run": bool,
  prepare: bool,
  "allow-untrained": bool,
  "fail-on-drift": bool,
  "allow-http": bool,
  "download-max-mb": (s) => (s === "" || (/^\d+(\.\d+)?$/.test(s) && Number(s) >= 1) ? undefined : `expected a size in MiB (at least 1), got '${s}'`),
  "download-deadline-seconds": (s) => (s === "" || (/^\d+$/.test(s) && Number(s) >= 1 && Number(s) <= 86_400) ? undefined : `expected whole seconds from 1 to 86400, got '${s}'`),
  "baseline-workflow": (s) => (/^([A-Za-z0-9._-]+\.ya?ml)?$/.test(s) ? undefined : "expected a workflow file name such as release.yml"),
  "baseline-branch": (s) => (/^[^\s~^:?*[\\]{0,250}$/.test(s) ? undefined : "expected a branch name"),
  "s3-uri": (s) => (s === "" || /^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/.*)?$/.test(s) ? undefined : `expected s3://bucket/prefix, got '${s}'`),
};

/** Parses the raw inputs into the ActionConfig. Throws ConfigError naming the input and the expected form. */
export function parseActionConfig(raw: RawInputs, env: NodeJS.ProcessEnv): ActionConfig {
  const lines: string[] = [];
  for (const [name, rule] of Object.entries(RULES) as [InputName, Rule][]) {
    const v: unknown = raw[name];
    const problem = typeof v === "string" ? rule(v) : `expected a string, got ${v === null ? "null" : typeof v}`;
    if (problem) lines.push(`input '${name}': ${problem}`);
  }
  if (lines.length) throw new ConfigError(lines.join("\n"), "see the inputs in action.yml / the README");
  const p = {
    ...raw,
    mode: raw.mode as ActionMode,
    comment: raw.comment as ActionConfig["comment"],
    "fail-on": raw["fail-on"] as ActionConfig["failOn"],
    "webhook-required": toBool(raw["webhook-required"]),
    "dry-run": toBool(raw["dry-run"]),
    prepare: toBool(raw.prepare),
    "allow-untrained": toBool(raw["allow-untrained"]),
    "fail-on-drift": toBool(raw["fail-on-drift"]),
    "allow-http": toBool(raw["allow-http"]),
  };
  const apiKey = raw["api-key"] || env.COGNIGY_API_KEY || undefined;
  const webhookSecret = raw["webhook-secret"] || undefined;
  if (webhookSecret && !p["webhook-url"]) throw new ConfigError("input 'webhook-secret': given without 'webhook-url'");
  if (p["webhook-required"] && !p["webhook-url"]) throw new ConfigError("input 'webhook-required': true without 'webhook-url'");
  return {
    mode: p.mode,
    config: p.config,
    apiKey,
    githubToken: raw["github-token"] || undefined,
    comment: p.comment,
    failOn: p["fail-on"],
    baseline: raw.baseline === "" ? undefined : raw.baseline === "artifact" ? { kind: "artifact" } : { kind: "path", path: raw.baseline },
    webhook: p["webhook-url"] ? { url: p["webhook-url"], secret: webhookSecret, required: p["webhook-required"] } : undefined,
    artifactName: p["artifact-name"],
    retentionDays: p["retention-days"] ? Number(p["retention-days"]) : undefined,
    shard: raw.shard || undefined,
    prepare: p.prepare,
    dryRun: p["dry-run"],
    allowUntrained: p["allow-untrained"],
    failOnDrift: p["fail-on-drift"],
    s3Uri: p["s3-uri"] || undefined,
    allowedHosts: parseAllowedHosts(raw["allowed-hosts"]),
    allowHttp: p["allow-http"],
    baselineWorkflow: p["baseline-workflow"] || undefined,
    baselineBranch: p["baseline-branch"] || undefined,
  };
}

/** The RunOverrides the inputs give (the same strings the CLI flags would carry). */
export function overridesFromInputs(raw: RawInputs, action: ActionConfig, env: NodeJS.ProcessEnv): RunOverrides {
  return {
    config: action.config,
    baseUrl: raw["base-url"] || undefined,
    out: raw.out || undefined,
    rateLimit: raw["rate-limit"] || undefined,
    format: "github",
    project: raw.project || undefined,
    flows: raw.flows || undefined,
    dryRun: action.dryRun,
    shard: action.shard,
    baseline: action.baseline?.kind === "path" ? action.baseline.path : undefined,
    commit: env.GITHUB_SHA || undefined,
    debug: env.RUNNER_DEBUG === "1",
    allowHttp: action.allowHttp,
    allowedHosts: raw["allowed-hosts"] || undefined,
  };
}

/** Renames the option named in a RunConfig error ("rate-limit: …") to the input it came from. */
function nameInput(e: unknown): never {
  if (e instanceof ConfigError && /^(base-url|rate-limit|shard|flows|sample|format): /.test(e.message)) {
    throw new ConfigError(`input '${e.message.replace(/: /, "': ")}`, e.hint);
  }
  if (e instanceof ConfigError && /: (cannot read the config file|not a file)/.test(e.message)) {
    throw new ConfigError(`input 'config': ${e.message}`, "set the config input to the path of cognigy-nlu.yml in the repository");
  }
  throw e;
}

/** Inputs → ActionConfig + RunConfig, in one go. The api key comes from the input, else COGNIGY_API_KEY. */
export function parseInputs(raw: RawInputs, env: NodeJS.ProcessEnv, cwd: string): { action: ActionConfig; run: RunConfig } {
  const action = parseActionConfig(raw, env);
  let run: RunConfig;
  try {
    run = resolveRunConfig(overridesFromInputs(raw, action, env), { ...env, COGNIGY_API_KEY: action.apiKey ?? "" }, cwd);
  } catch (e) {
    nameInput(e);
  }
  const dl = run.config.cognigy.download;
  if (raw["download-max-mb"]) dl.maxMegabytes = Number(raw["download-max-mb"]);
  if (raw["download-deadline-seconds"]) dl.deadlineSeconds = Number(raw["download-deadline-seconds"]);
  const baseSha = pullRequestBaseSha(env);
  if (baseSha) run.baselineBaseRef = baseSha;
  return { action, run };
}
