// Resolves the configured project, flows and locales to Cognigy ids (one listing per kind, matched by name or _id).
import type { CognigyApi, Locale } from "../cognigy/types.js";
import type { Config } from "../config/schema.js";
import type { Dataset } from "../dataset/types.js";
import { ConfigError } from "../errors.js";
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

/** The Cognigy ids of every configured flow that the dataset holds. */
export async function resolveTargets(config: Config, dataset: Dataset, client: CognigyApi): Promise<Target[]> {
  const project = await client.resolveProject(config.cognigy.project);
  const locales = await client.listLocales(project._id);
  const targets: Target[] = [];
  for (const data of dataset.flows) {
    const flow = await client.resolveFlow(project._id, data.flow.name);
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
      flowId: flow._id,
      flowReferenceId: flow.referenceId,
      isTrainingOutOfDate: Boolean(flow.isTrainingOutOfDate),
      locales: picked,
      ...(Array.isArray(flow.attachedFlows) ? { attachedFlows: flow.attachedFlows.filter((x): x is string => typeof x === "string") } : {}),
    });
  }
  return targets;
}
