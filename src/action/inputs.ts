// The Action's inputs: read once, parsed into a typed ActionConfig (zod) and the shared RunConfig; errors name the input.
import { z } from "zod";
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

const bool = (name: InputName) =>
  z.string().transform((s, ctx) => {
    if (/^(true|True|TRUE)$/.test(s)) return true;
    if (/^(false|False|FALSE)$/.test(s)) return false;
    ctx.addIssue({ code: "custom", message: `expected true or false, got '${s}'`, path: [name] });
    return z.NEVER;
  });

const oneOf = <T extends readonly [string, ...string[]]>(values: T) =>
  z.string().refine((s): s is T[number] => (values as readonly string[]).includes(s), {
    error: (i) => `expected ${values.slice(0, -1).join(", ")} or ${values[values.length - 1]}, got '${String(i.input)}'`,
  });

const httpUrl = z.string().refine(
  (s) => {
    if (s === "") return true;
    try {
      const u = new URL(s);
      return u.protocol === "http:" || u.protocol === "https:";
    } catch {
      return false;
    }
  },
  { error: (i) => `expected an http(s) URL, got a ${describeScheme(String(i.input))}` },
);

/** Never echoes a URL (it may carry a token): only its scheme. */
function describeScheme(s: string): string {
  const m = /^([a-z][a-z0-9+.-]*):/i.exec(s);
  return m ? `'${m[1]}:' URL` : "value that is not a URL";
}

const inputSchema = z.object({
  mode: oneOf(MODES),
  config: z.string().min(1, { error: "expected a path to cognigy-nlu.yml" }),
  comment: oneOf(["on", "off", "on-failure"] as const),
  "fail-on": oneOf(["error", "warning", "never"] as const),
  "webhook-url": httpUrl,
  "webhook-required": bool("webhook-required"),
  "artifact-name": z.string().regex(/^[^"<>:|*?\\/\r\n]{1,200}$/, { error: (i) => `expected an artifact name without " < > : | * ? \\ / or newlines, got '${String(i.input)}'` }),
  "retention-days": z.string().refine((s) => s === "" || (/^\d+$/.test(s) && Number(s) >= 1 && Number(s) <= 400), {
    error: (i) => `expected a whole number of days from 1 to 400, got '${String(i.input)}'`,
  }),
  "dry-run": bool("dry-run"),
  prepare: bool("prepare"),
  "allow-untrained": bool("allow-untrained"),
  "fail-on-drift": bool("fail-on-drift"),
  "allow-http": bool("allow-http"),
  "download-max-mb": z.string().refine((s) => s === "" || (/^\d+(\.\d+)?$/.test(s) && Number(s) >= 1), {
    error: (i) => `expected a size in MiB (at least 1), got '${String(i.input)}'`,
  }),
  "download-deadline-seconds": z.string().refine((s) => s === "" || (/^\d+$/.test(s) && Number(s) >= 1 && Number(s) <= 86_400), {
    error: (i) => `expected whole seconds from 1 to 86400, got '${String(i.input)}'`,
  }),
  "baseline-workflow": z.string().regex(/^([A-Za-z0-9._-]+\.ya?ml)?$/, { error: "expected a workflow file name such as release.yml" }),
  "baseline-branch": z.string().regex(/^[^\s~^:?*[\\]{0,250}$/, { error: "expected a branch name" }),
  "s3-uri": z.string().refine((s) => s === "" || /^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/.*)?$/.test(s), {
    error: (i) => `expected s3://bucket/prefix, got '${String(i.input)}'`,
  }),
});

/** Parses the raw inputs into the ActionConfig. Throws ConfigError naming the input and the expected form. */
export function parseActionConfig(raw: RawInputs, env: NodeJS.ProcessEnv): ActionConfig {
  const parsed = inputSchema.safeParse(raw);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `input '${String(i.path[0])}': ${i.message}`);
    throw new ConfigError(lines.join("\n"), "see the inputs in action.yml / the README");
  }
  const p = parsed.data;
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
