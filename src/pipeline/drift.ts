// The drift step: what was changed in Cognigy and not in git, sentence by sentence, for the report and the summary.
import type { RunConfig } from "../config/options.js";
import { loadDataset } from "../dataset/load.js";
import type { Report } from "../report/types.js";
import type { DriftResult } from "./drift/compare.js";
import { computeDrift, driftSummary, maskDrift } from "./drift/compute.js";
import { Runner } from "./run.js";
import type { RunDeps } from "./types.js";

export { driftMarkdown } from "../report/drift-markdown.js";
export type { DriftResult, FlowDrift } from "./drift/compare.js";
export { computeDrift, driftOfFlow, driftSummary, maskDrift, textSimilarity } from "./drift/compute.js";

export interface DriftRunOptions {
  /** Drift makes the run fail (exit 1). */
  failOnDrift?: boolean;
}

/** `cognigy-nlu drift`: loads the repository, reads Cognigy, returns the report (status failure on drift with failOnDrift). */
export async function runDrift(run: RunConfig & DriftRunOptions, deps: RunDeps): Promise<Report> {
  const r = new Runner(run, deps, "drift");
  return r.execute(
    async () => {
      const dataset = deps.dataset ?? loadDataset({ config: run.config, root: run.root });
      const drift = await r.step("drift", () => computeDrift(run, r.stepDeps, { dataset }), (d) => ({ ...d.totals }));
      r.report.drift = maskDrift(drift);
      deps.logger.info(driftSummary(drift));
      if (!drift.clean && run.failOnDrift) {
        r.report.status = "failure";
        r.report.error = { step: "drift", message: `${driftSummary(drift)} (--fail-on-drift)` };
      }
    },
    (rep) => driftSummary(rep.drift as DriftResult),
  );
}
