// Resolves the configured project, flows and locales to Cognigy ids (one listing per kind, matched by name or _id).
import type { CognigyApi, Locale } from "../cognigy/types.js";
import type { Config } from "../config/schema.js";
import type { Dataset } from "../dataset/types.js";
import { ConfigError } from "../errors.js";
import { OBJECT_ID, pickByNameOrId } from "../cognigy/resolve.js";
import type { Target } from "./types.js";

function pickLocale(all: readonly Locale[], nameOrId: string, flow: string, key: string): Locale {
  const byId = all.filter((l) => l._id === nameOrId || l.referenceId === nameOrId);
  const hits = byId.length ? byId : all.filter((l) => l.name === nameOrId);
  if (hits.length === 1) return hits[0];
  const known = all.map((l) => l.name).join(", ") || "none";
  if (hits.length === 0) {
    throw new ConfigError(`flow ${flow}: locale '${nameOrId}' (for YAML key ${key}) does not exist in the project (locales: ${known})`, "fix flows[].locales in cognigy-nlu.yml");
  }
  throw new ConfigError(`flow ${flow}: ${hits.length} locales are named '${nameOrId}'; use its _id in flows[].locales`);
}

/** Options of resolveTargets. */
export interface ResolveOptions {
  /**
   * A configured flow that does not exist in Cognigy yet becomes a target with `missing: true` and no ids (check: the
   * pull request adds it; its preview is a new flow). Default: a ConfigError saying what to do.
   */
  allowMissing?: boolean;
}

/** The message for a configured flow that Cognigy does not have (plan, release, sync…: never created there). */
export function missingFlowError(name: string, projectName: string, available: readonly string[]): ConfigError {
  const listed = available.length ? available.map((n) => `'${n}'`).slice(0, 30).join(", ") : "none";
  const near = available.find((n) => n.toLowerCase() === name.trim().toLowerCase());
  if (near) return new ConfigError(`flow '${name}' not found in project '${projectName}' (its flows: ${listed})`, `names are matched exactly; did you mean '${near}'?`);
  return new ConfigError(
    `flow '${name}' is declared in cognigy-nlu.yml but does not exist in project '${projectName}' (its flows: ${listed})`,
    "create the flow in Cognigy (its conversation is built there), or fix or remove it in flows[] of cognigy-nlu.yml; release never creates flows, and `check` judges a new flow in a preview without touching production",
  );
}

/** The Cognigy ids of every configured flow that the dataset holds. */
export async function resolveTargets(config: Config, dataset: Dataset, client: CognigyApi, opts: ResolveOptions = {}): Promise<Target[]> {
  const project = await client.resolveProject(config.cognigy.project);
  const locales = await client.listLocales(project._id);
  const flows = await client.listFlows(project._id);
  const targets: Target[] = [];
  for (const data of dataset.flows) {
    const name = data.flow.name;
    const exists = flows.some((f) => f.name === name || (OBJECT_ID.test(name) && f._id === name));
    if (!exists && !opts.allowMissing) throw missingFlowError(name, project.name, flows.map((f) => f.name));
    const flow = exists ? pickByNameOrId("flow", flows, name, `in project ${project._id}`) : undefined;
    const picked = Object.entries(data.flow.locales)
      .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
      .map(([key, name]) => ({ key, locale: pickLocale(locales, name, data.flow.name, key) }));
    // One YAML key per Cognigy locale: two would overwrite each other's sentences, and Cognigy's caps count per locale.
    for (const [i, a] of picked.entries()) {
      const b = picked.slice(i + 1).find((x) => x.locale._id === a.locale._id);
      if (b) throw new ConfigError(`flow ${data.flow.name}: YAML keys ${a.key} and ${b.key} map to the same Cognigy locale '${a.locale.name}'`, "map each Cognigy locale from one key in flows[].locales");
    }
    targets.push({
      flow: data.flow,
      data,
      projectId: project._id,
      flowId: flow?._id ?? "",
      flowReferenceId: flow?.referenceId ?? "",
      isTrainingOutOfDate: Boolean(flow?.isTrainingOutOfDate),
      locales: picked,
      ...(flow ? (Array.isArray(flow.attachedFlows) ? { attachedFlows: flow.attachedFlows.filter((x): x is string => typeof x === "string") } : {}) : { attachedFlows: [], missing: true as const }),
    });
  }
  return targets;
}
