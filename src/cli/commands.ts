// The CLI's commands as data: each command's summary, arguments, flags (type, default, description) and examples, and a
// lazy loader for its module. Help, parsing and did-you-mean are all derived from this table: a new flag is one line.
import type { CommandFn } from "../commands/context.js";

/** boolean: a switch; list: a value that may be repeated; the rest take one value (their name is what help shows). */
export type FlagType = "boolean" | "string" | "number" | "path" | "url" | "list";

export interface Flag {
  type: FlagType;
  /** Placeholder of the value in help, e.g. N, DIR, URL. */
  value?: string;
  /** What applies when the flag is absent (documentation: the command applies it). */
  default?: string;
  /** Allowed values (checked while parsing, with a did-you-mean). */
  choices?: readonly string[];
  short?: string;
  description: string;
}

export interface CommandSpec {
  summary: string;
  /** Positional arguments as usage shows them, e.g. "merge <report.json>…"; a command without takes none. */
  args?: string;
  flags: Record<string, Flag>;
  examples: readonly string[];
  /** Omitted for commands the CLI answers itself (help). */
  load?: () => Promise<{ run: CommandFn }>;
}

const flag = (type: FlagType, value: string | undefined, description: string, def?: string, extra: Partial<Flag> = {}): Flag => ({ type, value, description, default: def, ...extra });
const bool = (description: string): Flag => ({ type: "boolean", description });

/** Every command takes these. */
export const GLOBAL_FLAGS: Record<string, Flag> = {
  debug: bool("debug output: request timings, retries, stack traces (also RUNNER_DEBUG=1)"),
  help: { ...bool("show this command's flags"), short: "h" },
};

const CONFIG = { config: flag("path", "FILE", "the config file (its folder is the repository root)", "cognigy-nlu.yml", { short: "c" }) };
const CONNECT = {
  "base-url": flag("url", "URL", "Cognigy API base URL, the api- host", "cognigy.baseUrl of the config"),
  "allow-http": bool("allow plain http:// to a host that is not loopback (the key would travel unencrypted)"),
  project: flag("string", "NAME", "Cognigy project name or _id", "cognigy.project of the config"),
  "rate-limit": flag("number", "N", "requests per 5 minutes the client allows itself; 0 = no limit", "cognigy.rateLimit (1000)"),
};
const FLOWS = { flows: flag("string", "A,B", "only these flows of the config (comma list)", "all flows") };
const OUT = {
  out: flag("path", "DIR", "where report.json/.md/.html and exports go", "cognigy-nlu-report", { short: "o" }),
  format: flag("string", "FORMAT", "text for people, json on stdout for scripts, github for workflow annotations", "text", { choices: ["text", "json", "github"] }),
};
const COMMIT = { commit: flag("string", "SHA", "the commit named in snapshots, reports and the audit log", "$GITHUB_SHA") };
const EVAL = {
  sample: flag("number", "SHARE", "score only this share of the held-out tests (0–1)", "evaluate.sample of the config (1)"),
  baseline: flag("path", "FILE", "a previous report.json: the gate also checks regression against it", "none"),
};
const PIPELINE = { ...CONFIG, ...CONNECT, ...FLOWS, ...OUT };
const FAIL_ON_DRIFT = { "fail-on-drift": bool("fail when Cognigy holds changes that are not in git") };

export const COMMANDS: Record<string, CommandSpec> = {
  init: {
    summary: "start a repository for an existing bot: write cognigy-nlu.yml from a live project",
    flags: {
      ...CONFIG,
      ...CONNECT,
      project: flag("string", "NAME", "the Cognigy project to adopt (name or _id)", "the only project the key sees"),
      flow: flag("list", "NAME", "a flow to include; repeat for several", "every flow of the project"),
      force: bool("overwrite an existing cognigy-nlu.yml"),
    },
    examples: ["COGNIGY_API_KEY=… cognigy-nlu init --base-url https://api-trial.cognigy.ai --project 'Pizza Bot' --flow Main"],
    load: () => import("../commands/init.js"),
  },
  doctor: {
    summary: "check the setup: config, key, host, project, flows and locales, with what to fix",
    flags: { ...CONFIG, ...CONNECT, ...FLOWS, format: OUT.format },
    examples: ["COGNIGY_API_KEY=… cognigy-nlu doctor --base-url https://api-trial.cognigy.ai"],
    load: () => import("../commands/doctor.js"),
  },
  validate: {
    summary: "check the training data (no network)",
    flags: {
      ...CONFIG,
      ...FLOWS,
      format: OUT.format,
      "update-baseline": bool("accept today's findings: write them to the findings baseline (checks.baseline)"),
      "base-ref": flag(
        "string",
        "REF",
        "compare the findings baseline with the one at this git ref (read with git show; the checkout is not touched): a change that grows it is called out",
        "no comparison",
      ),
    },
    examples: ["cognigy-nlu validate", "cognigy-nlu validate --format github", "cognigy-nlu validate --base-ref origin/main"],
    load: () => import("../commands/validate.js"),
  },
  plan: {
    summary: "show what a sync would change in Cognigy",
    flags: PIPELINE,
    examples: ["cognigy-nlu plan", "cognigy-nlu plan --format json > plan.json"],
    load: () => import("../commands/plan.js"),
  },
  sync: {
    summary: "apply the plan (after a backup when it deletes)",
    flags: { ...PIPELINE, ...COMMIT, "dry-run": bool("plan only, change nothing"), force: bool("apply even when the plan deletes more than maxDeletions") },
    examples: ["cognigy-nlu sync --dry-run", "cognigy-nlu sync"],
    load: () => import("../commands/sync.js"),
  },
  train: {
    summary: "train the flows and wait for it",
    flags: PIPELINE,
    examples: ["cognigy-nlu train --flows Main"],
    load: () => import("../commands/train.js"),
  },
  evaluate: {
    summary: "score the held-out tests and compute metrics",
    flags: { ...PIPELINE, ...COMMIT, ...EVAL, shard: flag("string", "I/N", "score only slice I of N (merge the reports with `report merge`)", "all tests") },
    examples: ["cognigy-nlu evaluate --baseline last/report.json", "cognigy-nlu evaluate --shard 2/4 --out shard-2"],
    load: () => import("../commands/evaluate.js"),
  },
  check: {
    summary: "pull-request mode: validate, plan, judge the PR's data against the base (preview in Cognigy, or a local estimate), gate",
    flags: {
      ...PIPELINE,
      ...COMMIT,
      ...EVAL,
      ...FAIL_ON_DRIFT,
      "base-ref": flag(
        "string",
        "REF",
        "the git ref the pull request is judged against: its data (the local estimate), its gate thresholds and its findings baseline are read with git, and a change that grows the baseline is called out",
        "the event's pull_request.base.sha, else origin/main",
      ),
      estimate: bool("judge with the local model trained on base and head, without Cognigy"),
      "preview-name": flag("string", "NAME", "name of the preview flow created in Cognigy for this check", "one derived from the pull request"),
      prepare: bool("sharded check: create, sync and train the preview flow and leave it for the shards (--shard i/n) and `report merge`"),
      shard: flag("string", "I/N", "sharded check: score slice I of N with the preview `check --prepare` made (found by its tag); `report merge` compares and deletes it", "all tests"),
      "run-id": flag("string", "ID", "the run a sharded check's preview is tagged with (prepare and shards must agree)", "$GITHUB_RUN_ID-$GITHUB_RUN_ATTEMPT, else a random one"),
    },
    examples: ["cognigy-nlu check --base-ref main", "cognigy-nlu check --base-ref origin/main --estimate"],
    load: () => import("../commands/check.js"),
  },
  release: {
    summary: "main-branch mode: validate, backup, sync, train, evaluate, gate, promote",
    flags: { ...PIPELINE, ...COMMIT, ...EVAL, "dry-run": bool("validate and plan only, change nothing"), force: bool("sync even when the plan deletes more than maxDeletions") },
    examples: ["cognigy-nlu release --baseline last/report.json"],
    load: () => import("../commands/release.js"),
  },
  backup: {
    summary: "snapshot + package download + intents export, with a manifest",
    flags: {
      ...PIPELINE,
      ...COMMIT,
      ...FAIL_ON_DRIFT,
      "allow-untrained": bool("back up even when a flow has no trained model"),
      "s3-uri": flag("url", "s3://BUCKET/PREFIX", "also copy the backup there (AWS credentials from the environment)", "none"),
      "retention-days": flag("number", "N", "delete this tool's snapshots older than N days (1–400)", "keep all"),
    },
    examples: ["cognigy-nlu backup --out backups/today", "cognigy-nlu backup --s3-uri s3://my-bucket/cognigy --retention-days 30"],
    load: () => import("../commands/backup.js"),
  },
  restore: {
    summary: "restore a snapshot (--snapshot ID | --file F.csnap) --yes",
    flags: {
      ...CONFIG,
      ...CONNECT,
      format: OUT.format,
      ...COMMIT,
      snapshot: flag("string", "ID", "the snapshot to restore (its _id)", "none"),
      file: flag("path", "F.csnap", "a downloaded package to upload and restore", "none"),
      yes: bool("really replace the project (a safety snapshot is taken first)"),
    },
    examples: ["cognigy-nlu restore --snapshot 65f0c2… --yes", "cognigy-nlu restore --file backups/today/pizza.csnap --yes"],
    load: () => import("../commands/restore.js"),
  },
  pull: {
    summary: "write a live flow's intents into the YAML layout",
    flags: {
      ...PIPELINE,
      "dry-run": bool("say which files would be written, write none"),
      holdout: flag("number", "SHARE", "keep this share of each intent's examples out of Cognigy as held-out tests, e.g. 0.2", "none"),
    },
    examples: ["cognigy-nlu pull", "cognigy-nlu pull --holdout 0.2"],
    load: () => import("../commands/pull.js"),
  },
  drift: {
    summary: "what changed in Cognigy and not in git",
    flags: { ...PIPELINE, ...FAIL_ON_DRIFT },
    examples: ["cognigy-nlu drift --fail-on-drift"],
    load: () => import("../commands/drift.js"),
  },
  harvest: {
    summary: "propose new examples from real conversations",
    flags: {
      ...PIPELINE,
      since: flag("string", "DATE", "learning sentences from this date (YYYY-MM-DD or ISO time)", "7 days ago"),
      until: flag("string", "DATE", "learning sentences up to this date", "now"),
      input: flag("path", "FILE", "an exported conversation log (.json or .csv) instead of the learning sentences", "none"),
      "odata-url": flag("url", "URL", "OData Analytics endpoint to read scored user inputs from", "none"),
      "min-score": flag("number", "S", "keep proposals scored at least S (0–1)", "harvest.minScore of the config"),
      "mask-pii": bool("keep utterances with PII, masked (default: drop them)"),
    },
    examples: ["cognigy-nlu harvest --since 2026-01-01", "cognigy-nlu harvest --input chats.csv --min-score 0.7"],
    load: () => import("../commands/harvest.js"),
  },
  report: {
    summary: "report merge <a.json> <b.json> … : combine shard reports",
    args: "merge <report.json> <report.json>…",
    flags: { ...CONFIG, ...CONNECT, out: OUT.out },
    examples: ["cognigy-nlu report merge shard-1/report.json shard-2/report.json --out merged"],
    load: () => import("../commands/report.js"),
  },
  emulator: {
    summary: "start the embedded Cognigy emulator",
    flags: {
      port: flag("number", "N", "port to listen on (127.0.0.1); 0 picks a free one", "0"),
      "api-key": flag("string", "KEY", "the key it accepts", "$COGNIGY_API_KEY"),
      seed: flag("path", "FILE", "create the project, flows and locales of this config (no intents)", "none"),
      state: flag("path", "FILE", "keep the state in this file across restarts", "in memory"),
      "rate-limit": flag("number", "N", "requests per 5 minutes it allows; 0 = no limit", "1000"),
      faults: flag("string", "SPEC", "inject faults: kind:probability,… (429, 500, drop, slow, taskerror, …) and seed=N", "none"),
      dialect: flag("string", "DIALECT", "how learning sentences name their locale", "localeReference", { choices: ["localeReference", "localeId"] }),
      limits: flag("string", "SPEC", "Cognigy size limits it enforces, e.g. flowSentences=10000,intentSentences=1000", "Cognigy's documented limits"),
    },
    examples: ["COGNIGY_API_KEY=dev-key cognigy-nlu emulator --port 8080 --seed cognigy-nlu.yml --rate-limit 0", "COGNIGY_API_KEY=dev-key cognigy-nlu emulator --faults 429:0.2,500:0.05,seed=7"],
    load: () => import("../commands/emulator.js"),
  },
  demo: {
    summary: "run a whole release of the example bot against the emulator",
    flags: { ...CONFIG, ...FLOWS, out: OUT.out },
    examples: ["cognigy-nlu demo", "cognigy-nlu demo --out /tmp/demo-report"],
    load: () => import("../commands/demo.js"),
  },
  help: {
    summary: "the commands, or one command's flags",
    args: "[command]",
    flags: {},
    examples: ["cognigy-nlu help emulator"],
  },
};
