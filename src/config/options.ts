// Run options: the config file plus CLI flags / Action inputs, resolved once into one typed RunConfig.
import { resolve } from "node:path";
import { ConfigError } from "../errors.js";
import { checkBaseUrl, parseAllowedHosts } from "./base-url.js";
import { loadConfig } from "./load.js";
import type { TrustedThresholds } from "../pipeline/thresholds.js";
import type { Config } from "./schema.js";

export type OutputFormat = "text" | "json" | "github";

export interface RunConfig {
  config: Config;
  /** Absolute path of cognigy-nlu.yml. */
  configPath: string;
  /** Repository root (the config file's folder); every dataset path is relative to it. */
  root: string;
  /** From COGNIGY_API_KEY / the api-key input only. Never logged. */
  apiKey?: string;
  /** Absolute output folder for reports and exports. */
  out: string;
  format: OutputFormat;
  commit?: string;
  dryRun: boolean;
  force: boolean;
  /** Evaluate one slice: { index: 1-based, count }. */
  shard?: { index: number; count: number };
  /** Path of a baseline report.json. */
  baseline?: string;
  /** The base branch's commit (a PR's base sha): its findings baseline file is compared with this one's. */
  baselineBaseRef?: string;
  debug: boolean;
  /** Check mode: how the pull request is judged (flags, or the Action's event). */
  check?: CheckOptions;
  /**
   * Pull requests: the gate thresholds in `config` are the base's (set by the shell); this says so and holds the
   * change's own, reported as proposed.
   */
  thresholds?: TrustedThresholds;
}

/** How `check` judges the pull request: which base, which engine, who owns the preview flow. */
export interface CheckOptions {
  /** The base to compare with in the local estimate (git ref or commit); default: the PR's base, else origin/main. */
  baseRef?: string;
  /** Use the local estimate even with an API key. */
  estimate?: boolean;
  /** A laptop's preview name (default: the branch). */
  previewName?: string;
  /** Sharded check: create, sync and train the preview, and leave it for the shards and `report merge`. */
  prepare?: boolean;
  /** The pull request number (the Action's event, or GITHUB_REF refs/pull/N/merge). */
  pr?: number;
  /** The branch checked (laptop: `git rev-parse --abbrev-ref HEAD`). */
  branch?: string;
  /** This run's id (GITHUB_RUN_ID-attempt, else a random id). */
  runId?: string;
  /** Validate only (the Action's `validate` mode): no estimate, no preview. */
  validateOnly?: boolean;
}

/** The overrides the CLI flags and Action inputs may give (strings as typed). */
export interface RunOverrides {
  config?: string;
  baseUrl?: string;
  out?: string;
  rateLimit?: string;
  format?: string;
  project?: string;
  /** Comma list of flow names to keep. */
  flows?: string;
  dryRun?: boolean;
  force?: boolean;
  shard?: string;
  baseline?: string;
  sample?: string;
  commit?: string;
  debug?: boolean;
  /** Plain http:// to a non-loopback host is allowed (input allow-http / --allow-http). */
  allowHttp?: boolean;
  /** Comma list of hosts the base URL may use (input allowed-hosts). */
  allowedHosts?: string;
}

export function parseShard(s: string): { index: number; count: number } {
  const m = /^(\d+)\/(\d+)$/.exec(s.trim());
  const index = m ? Number(m[1]) : Number.NaN;
  const count = m ? Number(m[2]) : Number.NaN;
  if (!m || count < 1 || index < 1 || index > count) throw new ConfigError(`shard: expected i/n with 1 ≤ i ≤ n (e.g. 2/4), got '${s}'`);
  return { index, count };
}

function parseNumber(name: string, s: string, min: number, max: number): number {
  const n = Number(s);
  if (s.trim() === "" || !Number.isFinite(n) || n < min || n > max) throw new ConfigError(`${name}: expected a number from ${min} to ${max}, got '${s}'`);
  return n;
}

export function resolveRunConfig(o: RunOverrides, env: NodeJS.ProcessEnv, cwd: string): RunConfig {
  const { config, path, root } = loadConfig(o.config || "cognigy-nlu.yml", cwd);
  const rules = { allowHttp: Boolean(o.allowHttp), allowedHosts: parseAllowedHosts(o.allowedHosts) };
  if (o.baseUrl) {
    // Checked (and never echoed: it may carry credentials) before it replaces the file's URL.
    checkBaseUrl(o.baseUrl, "base-url", rules);
    config.cognigy.baseUrl = o.baseUrl.replace(/\/+$/, "");
  } else checkBaseUrl(config.cognigy.baseUrl, `${o.config || "cognigy-nlu.yml"}: cognigy.baseUrl`, rules);
  if (o.rateLimit !== undefined && o.rateLimit !== "") config.cognigy.rateLimit = parseNumber("rate-limit", o.rateLimit, 0, 1_000_000);
  if (o.project) config.cognigy.project = o.project;
  if (o.sample) config.evaluate.sample = parseNumber("sample", o.sample, 0, 1);
  if (o.flows) {
    const keep = o.flows.split(",").map((s) => s.trim()).filter(Boolean);
    const unknown = keep.filter((n) => !config.flows.some((f) => f.name === n));
    if (unknown.length) throw new ConfigError(`flows: ${unknown.join(", ")} not in ${path} (known: ${config.flows.map((f) => f.name).join(", ")})`);
    config.flows = config.flows.filter((f) => keep.includes(f.name));
  }
  const format = (o.format || "text") as OutputFormat;
  if (!["text", "json", "github"].includes(format)) throw new ConfigError(`format: expected text, json or github, got '${o.format}'`);
  return {
    config,
    configPath: path,
    root,
    apiKey: env.COGNIGY_API_KEY || undefined,
    out: resolve(cwd, o.out || "cognigy-nlu-report"),
    format,
    commit: o.commit || env.GITHUB_SHA || undefined,
    dryRun: Boolean(o.dryRun),
    force: Boolean(o.force),
    shard: o.shard ? parseShard(o.shard) : undefined,
    baseline: o.baseline || undefined,
    debug: Boolean(o.debug),
  };
}

/** The overrides from parsed CLI flags. */
export function overridesFromFlags(v: Record<string, string | boolean | string[] | undefined>): RunOverrides {
  const s = (k: string) => (typeof v[k] === "string" ? (v[k] as string) : undefined);
  return {
    config: s("config"),
    baseUrl: s("base-url"),
    out: s("out"),
    rateLimit: s("rate-limit"),
    format: s("format"),
    project: s("project"),
    flows: s("flows"),
    dryRun: v["dry-run"] === true,
    force: v.force === true,
    shard: s("shard"),
    baseline: s("baseline"),
    sample: s("sample"),
    commit: s("commit"),
    debug: v.debug === true,
    allowHttp: v["allow-http"] === true,
  };
}
