// The preview flow of a PR check: a tagged copy of a production flow that holds the PR's data, is trained and scored,
// and is deleted when the check ends. Only flows whose description carries the tag are ever deleted, never by name.
import { randomBytes } from "node:crypto";
import type { CognigyApi, Flow } from "../cognigy/types.js";
import type { CheckOptions } from "../config/options.js";
import { errorMessage } from "../errors.js";
import type { Logger } from "../logger.js";
import type { RemoteIntent } from "./diff.js";
import type { Target } from "./types.js";

/** The flows API the preview needs. */
export type FlowsApi = Pick<CognigyApi, "listFlows" | "getFlow" | "createFlow" | "cloneFlow" | "updateFlow" | "deleteFlow">;

/** The marker in a preview flow's description, followed by its JSON tag on the same line. */
export const PREVIEW_MARKER = "cognigy-nlu-preview:";
/** What every preview's name ends with, so a person in the Cognigy UI sees what it is. */
export const PREVIEW_SUFFIX = "preview (cognigy-nlu)";
/** Cognigy's longest flow name we produce (names are shown in lists; the tag, not the name, identifies a preview). */
const MAX_NAME = 120;

/** The machine-readable tag of a preview flow (in its description). */
export interface PreviewTag {
  tool: "cognigy-nlu";
  kind: "preview";
  /** The production flow it previews (its configured name). */
  flow: string;
  /** Who owns it: "pr:42", "branch:feature/x" or "name:<--preview-name>". */
  owner: string;
  pr?: number;
  /** The check run that created it. */
  run: string;
  /** ISO time of creation. */
  createdAt: string;
}

/** Who owns this run's previews, from the check options (the PR number first, then --preview-name, then the branch). */
export function previewOwner(o: CheckOptions = {}): { owner: string; label: string; pr?: number } {
  if (o.pr !== undefined) return { owner: `pr:${o.pr}`, label: `PR #${o.pr}`, pr: o.pr };
  const name = clean(o.previewName ?? "");
  if (name) return { owner: `name:${name}`, label: name };
  const branch = clean(o.branch ?? "");
  return branch ? { owner: `branch:${branch}`, label: branch } : { owner: "local", label: "local" };
}

/** Printable, single-line, bounded text for a flow name (a branch name is the author's text). */
function clean(s: string): string {
  return s
    .normalize("NFC")
    .replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu, "")
    .replace(/\s+/g, " ")
    .trim()
    .slice(0, 60);
}

/** "Main · PR #42 preview (cognigy-nlu)". */
export function previewName(flow: string, rawLabel: string): string {
  const label = clean(rawLabel);
  const head = `${clean(flow).slice(0, MAX_NAME - PREVIEW_SUFFIX.length - label.length - 6)} · ${label}`;
  return `${head} ${PREVIEW_SUFFIX}`;
}

/** A run id: GITHUB_RUN_ID[-attempt], else a random one. */
export function runIdFrom(env: NodeJS.ProcessEnv): string {
  if (env.GITHUB_RUN_ID) return `${env.GITHUB_RUN_ID}${env.GITHUB_RUN_ATTEMPT ? `-${env.GITHUB_RUN_ATTEMPT}` : ""}`;
  return `local-${randomBytes(4).toString("hex")}`;
}

/** The description of a preview flow: a sentence for people, then the tag line. */
export function previewDescription(tag: PreviewTag): string {
  const who = tag.pr !== undefined ? `pull request #${tag.pr}` : tag.owner.replace(/^(branch|name):/, "");
  return `Temporary preview of flow ${tag.flow} for ${who}, created by cognigy-nlu check; it is deleted when the check ends. Do not edit or use it.\n${PREVIEW_MARKER}${JSON.stringify(tag)}`;
}

/** The tag of a flow's description, or undefined when it is not a preview flow (only such flows are ever deleted). */
export function parsePreviewTag(description: unknown): PreviewTag | undefined {
  if (typeof description !== "string") return undefined;
  const at = description.lastIndexOf(PREVIEW_MARKER);
  if (at < 0) return undefined;
  const line = description.slice(at + PREVIEW_MARKER.length).split("\n")[0];
  try {
    const t = JSON.parse(line) as Partial<PreviewTag>;
    if (t.tool !== "cognigy-nlu" || t.kind !== "preview" || typeof t.owner !== "string" || typeof t.run !== "string" || typeof t.createdAt !== "string") return undefined;
    if (!Number.isFinite(Date.parse(t.createdAt))) return undefined;
    return t as PreviewTag;
  } catch {
    return undefined;
  }
}

export function isPreviewFlow(f: Pick<Flow, "description">): boolean {
  return parsePreviewTag(f.description) !== undefined;
}

/** A tagged flow found in the project. */
export interface TaggedFlow {
  id: string;
  referenceId: string;
  name: string;
  tag: PreviewTag;
  ageHours: number;
}

/** The preview flows of a project (by tag; a flow's name never counts). Needs full flow records when a listing omits descriptions. */
export async function listPreviews(client: FlowsApi, projectId: string, now: number): Promise<TaggedFlow[]> {
  const out: TaggedFlow[] = [];
  for (const f of await client.listFlows(projectId)) {
    let description = f.description;
    if (description === undefined && f.name.endsWith(PREVIEW_SUFFIX)) description = (await client.getFlow(f._id)).description;
    const tag = parsePreviewTag(description);
    if (tag) out.push({ id: f._id, referenceId: f.referenceId, name: f.name, tag, ageHours: (now - Date.parse(tag.createdAt)) / 3_600_000 });
  }
  return out;
}

/**
 * Deletes the leftover previews: those of `owner` (an earlier, cancelled check of the same PR) and those older than
 * `maxAgeHours`; never a flow in `keep` (the production flows, this run's previews) and never an untagged flow.
 */
export async function cleanupPreviews(
  client: FlowsApi,
  logger: Logger,
  opts: { projectId: string; now: number; maxAgeHours: number; owner?: string; keep?: ReadonlySet<string> },
): Promise<string[]> {
  const deleted: string[] = [];
  for (const p of await listPreviews(client, opts.projectId, opts.now)) {
    if (opts.keep?.has(p.id)) continue;
    const mine = opts.owner !== undefined && p.tag.owner === opts.owner;
    const old = p.ageHours > opts.maxAgeHours;
    if (!mine && !old) continue;
    try {
      await client.deleteFlow(p.id);
      deleted.push(p.name);
      logger.info(`deleted the leftover preview flow ${p.name} (${mine ? "an earlier check of the same owner" : `${p.ageHours.toFixed(1)} h old`}, run ${p.tag.run})`);
    } catch (e) {
      logger.warn(`could not delete the leftover preview flow ${p.name}: ${errorMessage(e)}`);
    }
  }
  return deleted;
}

/** Intents and sentences of two flow states are the same (names, flags, tags, sentence multisets per locale). */
export function sameState(a: readonly RemoteIntent[], b: readonly RemoteIntent[]): boolean {
  const key = (r: readonly RemoteIntent[]) =>
    JSON.stringify(
      [...r]
        .map((i) => [
          i.name,
          i.description ?? "",
          [...i.tags].sort(),
          i.isDisabled,
          i.isRejectIntent,
          Object.entries(i.sentences)
            .filter(([, t]) => t.length > 0)
            .map(([l, t]) => [l, [...t].sort()])
            .sort(),
        ])
        .sort((x, y) => ((x[0] as string) < (y[0] as string) ? -1 : (x[0] as string) > (y[0] as string) ? 1 : 0)),
    );
  return key(a) === key(b);
}

/** A preview flow made for one production flow. */
export interface PreviewFlow {
  /** The production target with the preview's ids (same flow config, data and locales). */
  target: Target;
  name: string;
  /** How it was made ("prepared": found by its tag, made by `check --prepare`). */
  made: "clone" | "create" | "prepared";
}

/**
 * Makes the preview of `prod`: a clone of the production flow (named and tagged; `updateFlow` sets both when the clone
 * ignores them), or a new flow when production has no intents yet. Deleting the half-made flow on failure is the
 * caller's finally (it knows the id through `onCreated`).
 */
export async function makePreview(
  client: FlowsApi,
  logger: Logger,
  input: { prod: Target; prodIsEmpty: boolean; name: string; tag: PreviewTag; onCreated: (id: string, name: string) => void },
): Promise<PreviewFlow> {
  const description = previewDescription(input.tag);
  let flow: Flow;
  let made: "clone" | "create";
  if (input.prodIsEmpty) {
    flow = await client.createFlow(input.prod.projectId, { name: input.name, description });
    made = "create";
  } else {
    flow = await client.cloneFlow(input.prod.flowId, { name: input.name, description });
    made = "clone";
  }
  input.onCreated(flow._id, input.name);
  if (flow._id === input.prod.flowId) throw new Error(`the ${made} of flow ${input.prod.flow.name} returned the production flow's id`);
  if (flow.name !== input.name || !isPreviewFlow(flow)) {
    await client.updateFlow(flow._id, { name: input.name, description });
    flow = await client.getFlow(flow._id);
  }
  if (!isPreviewFlow(flow)) throw new Error(`the preview flow ${input.name} does not keep its tag in its description: refusing to use a flow it could not delete later`);
  const why = input.prod.missing ? `a new flow: ${input.prod.flow.name} does not exist in Cognigy yet` : "a new flow: production has no intents yet";
  logger.info(`preview flow ${input.name} (${made === "clone" ? `a clone of ${input.prod.flow.name}` : why})`);
  return { name: input.name, made, target: previewTarget(input.prod, flow._id, flow.referenceId, true) };
}

/** The production target with a preview flow's ids (a flow new in the PR is no longer `missing`: its preview exists). */
export function previewTarget(prod: Target, flowId: string, flowReferenceId: string, isTrainingOutOfDate: boolean): Target {
  const t: Target = { ...prod, flowId, flowReferenceId, isTrainingOutOfDate };
  delete t.missing;
  return t;
}

/**
 * release / backup: deletes preview flows older than check.previewMaxAgeHours (a cancelled check's leftovers) before a
 * snapshot can capture them. Never fails the run: a flow that cannot be deleted or listed only warns.
 */
export async function removeStalePreviews(
  client: FlowsApi,
  logger: Logger,
  opts: { projectId: string; now: number; maxAgeHours: number; keep: ReadonlySet<string>; owner?: string },
): Promise<string[]> {
  try {
    return await cleanupPreviews(client, logger, opts);
  } catch (e) {
    logger.warn(`leftover preview flows not checked: ${errorMessage(e)}`);
    return [];
  }
}

/** The numeric GitHub run id of a tag's run ("123456-2" → "123456"); undefined for a laptop's random id. */
function runNumber(run: string): string | undefined {
  const m = /^(\d+)(?:-\d+)?$/.exec(run);
  return m ? m[1] : undefined;
}

/**
 * The preview of `flow` that `check --prepare` made for this owner and run, found by its tag (never by name): the same
 * run id, else (a re-run attempt of a shard job) the newest of the same GitHub run. Undefined when there is none.
 */
export async function findPrepared(client: FlowsApi, opts: { projectId: string; now: number; owner: string; run: string; flow: string }): Promise<TaggedFlow | undefined> {
  const mine = (await listPreviews(client, opts.projectId, opts.now)).filter((p) => p.tag.owner === opts.owner && p.tag.flow === opts.flow);
  const exact = mine.filter((p) => p.tag.run === opts.run);
  const n = runNumber(opts.run);
  const same = exact.length ? exact : n ? mine.filter((p) => runNumber(p.tag.run) === n) : [];
  return same.sort((a, b) => a.ageHours - b.ageHours)[0];
}

/**
 * `report merge` of a sharded check: deletes the previews tagged with this owner and run (every flow of the run), by
 * id, after re-reading each tag. Returns the names deleted; a failure only warns (the next check or the age rule
 * removes it).
 */
export async function deleteRunPreviews(client: FlowsApi, logger: Logger, opts: { projectId: string; now: number; owner: string; run: string }): Promise<{ deleted: string[]; failed: string[] }> {
  const deleted: string[] = [];
  const failed: string[] = [];
  for (const p of await listPreviews(client, opts.projectId, opts.now)) {
    if (p.tag.owner !== opts.owner || p.tag.run !== opts.run) continue;
    try {
      await client.deleteFlow(p.id);
      deleted.push(p.name);
      logger.info(`deleted the preview flow ${p.name} (run ${p.tag.run})`);
    } catch (e) {
      failed.push(p.name);
      logger.warn(`could not delete the preview flow ${p.name}: ${errorMessage(e)} (the next check of this PR, or release/backup after check.previewMaxAgeHours, deletes it)`);
    }
  }
  return { deleted, failed };
}
