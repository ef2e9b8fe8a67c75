// The gate thresholds a pull request is judged by come from its base, not from its own cognigy-nlu.yml; the thresholds
// the PR changes are reported as proposed ("apply after merge"). Pure: the shells read the base config (git) and pass
// what they found; `readBaseConfig` is the git reader both the CLI and the Action can use.
import { relative, resolve, sep } from "node:path";
import { parseConfigText } from "../config/load.js";
import { defaultGate } from "../config/fast-config.js";
import type { Config, GateConfig } from "../config/schema.js";
import { decodeUtf8 } from "../dataset/files.js";
import { errorMessage } from "../errors.js";
import type { ThresholdChange, ThresholdsReport } from "../report/types.js";
import { GitUnavailable, repoPrefix, resolveCommit, showFile } from "./git.js";

/** The settings a pull request cannot change for its own check: every gate threshold and check.allowUnevaluated. */
export const TRUSTED_KEYS = [
  "gate.macroF1",
  "gate.macroPrecision",
  "gate.accuracy",
  "gate.minIntentF1",
  "gate.minTestsPerIntent",
  "gate.maxRegression",
  "gate.significance",
  "check.allowUnevaluated",
] as const;
type TrustedKey = (typeof TRUSTED_KEYS)[number];

/** What the base gave: its config, none (the PR adds the file), an invalid one, or nothing readable (no git, no ref). */
export type BaseConfig =
  | { kind: "config"; ref: string; config: Config }
  | { kind: "absent"; ref: string }
  | { kind: "invalid"; ref: string; problem: string }
  | { kind: "unreadable"; ref: string; problem: string };

/** The thresholds to judge by, and what the report says about them. */
export interface TrustedThresholds {
  gate: GateConfig;
  allowUnevaluated: boolean;
  report: ThresholdsReport;
  /** This change's own thresholds (to tell whether the gate would pass with them). */
  proposed: { gate: GateConfig; allowUnevaluated: boolean };
}

type Value = number | boolean | null;

function settingOf(cfg: { gate: GateConfig; allowUnevaluated: boolean }, key: TrustedKey): Value {
  if (key === "check.allowUnevaluated") return cfg.allowUnevaluated;
  const v = cfg.gate[key.slice("gate.".length) as keyof GateConfig];
  return v === undefined ? null : v;
}

/** True when `head` lets more through than `base` (a lower bar, a wider allowance, a smaller significance level). */
export function loosens(key: string, base: Value, head: Value): boolean {
  if (key === "check.allowUnevaluated") return head === true && base !== true;
  if (head === null) return base !== null; // a threshold turned off
  if (base === null) return false; // a threshold added
  if (key === "gate.maxRegression") return (head as number) > (base as number);
  return (head as number) < (base as number); // bars: macroF1 … minTestsPerIntent; significance: a smaller α calls fewer drops significant
}

/**
 * The thresholds to judge a pull request by: the base config's (`config`), else the tool's defaults when the base has
 * no valid config (`absent`, `invalid`), else — nothing readable — this change's own, said so in `note`. Every trusted
 * setting this change sets differently is listed as proposed.
 */
export function trustThresholds(own: Config, base: BaseConfig): TrustedThresholds {
  const head = { gate: own.gate, allowUnevaluated: own.check.allowUnevaluated };
  let trusted = head;
  let from: ThresholdsReport["from"] = "head";
  let note: string | undefined;
  if (base.kind === "config") {
    trusted = { gate: base.config.gate, allowUnevaluated: base.config.check.allowUnevaluated };
    from = "base";
  } else if (base.kind === "absent" || base.kind === "invalid") {
    trusted = { gate: defaultGate(), allowUnevaluated: false };
    from = "defaults";
    note = base.kind === "absent" ? `the base (${base.ref}) has no config file: the tool's default thresholds apply until this change is merged` : `the base's config (${base.ref}) is not valid (${base.problem}): the tool's default thresholds apply`;
  } else {
    note = `the base (${base.ref}) could not be read (${base.problem}): this change's own thresholds apply`;
  }
  const proposed: ThresholdChange[] = [];
  if (from !== "head") {
    for (const key of TRUSTED_KEYS) {
      const b = settingOf(trusted, key);
      const h = settingOf(head, key);
      if (b !== h) proposed.push({ key, base: b, head: h, loosens: loosens(key, b, h) });
    }
  }
  return {
    gate: { ...trusted.gate },
    allowUnevaluated: trusted.allowUnevaluated,
    report: { from, ref: base.ref, ...(note ? { note } : {}), proposed },
    proposed: head,
  };
}

/**
 * Reads the config file at a git revision (the checkout untouched; a commit missing from a shallow clone is fetched
 * once, as the estimate does). `absent` when the revision has no such file, `unreadable` when git or the revision fails.
 */
export async function readBaseConfig(cwd: string, configPath: string, rev: string, logger?: { info(m: string): void }): Promise<BaseConfig> {
  try {
    const resolved = await resolveCommit(cwd, rev, logger);
    const ref = /^[0-9a-f]{40,64}$/i.test(rev) ? rev.slice(0, 12) : `${rev} (${resolved.sha.slice(0, 12)})`;
    const { top } = await repoPrefix(cwd);
    const rel = relative(top, resolve(cwd, configPath)).split(sep).join("/");
    const bytes = await showFile(cwd, resolved.sha, rel);
    if (!bytes) return { kind: "absent", ref };
    const text = decodeUtf8(bytes);
    if (!("text" in text)) return { kind: "invalid", ref, problem: "not UTF-8 text" };
    try {
      return { kind: "config", ref, config: parseConfigText(text.text, `${rel} at ${ref}`) };
    } catch (e) {
      return { kind: "invalid", ref, problem: errorMessage(e).split("\n")[0] };
    }
  } catch (e) {
    if (e instanceof GitUnavailable) return { kind: "unreadable", ref: rev, problem: e.message };
    throw e;
  }
}

/** Puts the trusted thresholds into the config the run uses (the PR's own stay in `thresholds.proposed`). */
export function applyThresholds(config: Config, t: TrustedThresholds): void {
  config.gate = { ...t.gate };
  config.check = { ...config.check, allowUnevaluated: t.allowUnevaluated };
}

/**
 * The gate a check used, from the config file's own and the report's `thresholds` (report merge of a sharded check:
 * the shards judged by the base's thresholds, the merging job reads the PR's file): each proposed gate change reverted
 * to the base's value.
 */
export function gateUsed(own: GateConfig, t: ThresholdsReport | undefined): GateConfig {
  const gate: GateConfig = { ...own };
  for (const c of t?.proposed ?? []) {
    if (!c.key.startsWith("gate.")) continue;
    const k = c.key.slice("gate.".length) as keyof GateConfig;
    if (c.base === null) delete gate[k];
    else if (typeof c.base === "number") (gate as Record<string, number>)[k] = c.base;
  }
  return gate;
}
