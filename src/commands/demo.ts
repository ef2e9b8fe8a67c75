// `cognigy-nlu demo`: a whole release of the example bot against an in-process emulator, an incremental second run, and a
// pull-request check (a one-sentence edit → preview flow → comparison with the deployed model).
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { overridesFromFlags, type RunConfig, resolveRunConfig } from "../config/options.js";
import type { Dataset } from "../dataset/types.js";
import { startEmulator } from "../emulator/index.js";
import { type Logger, consoleLogger } from "../logger.js";
import { exitCode } from "../pipeline/command.js";
import { summaryLines } from "../pipeline/console.js";
import { comparisonLine } from "../pipeline/check.js";
import { runCheck, runRelease } from "../pipeline/run.js";
import { validateData } from "../pipeline/validate.js";
import { Redactor } from "../report/redact.js";
import type { Report } from "../report/types.js";
import { writeReportFiles } from "../report/write.js";
import type { CommandContext } from "./context.js";

/** The demo's one edit: a new example for an intent that has its own tests (so the split cannot hold it out). */
export function withOneMoreSentence(ds: Dataset, suffix = ", please"): { dataset: Dataset; intent: string; locale: string; text: string } | undefined {
  const copy = structuredClone(ds);
  for (const flow of copy.flows) {
    const locale = flow.flow.defaultLocale;
    const candidates = [...flow.intents].filter((i) => !i.disabled && (i.tests[locale]?.length ?? 0) > 0 && (i.examples[locale]?.length ?? 0) > 0).sort((a, b) => (a.name < b.name ? -1 : 1));
    const target = candidates.find((i) => i.name === "OrderPizza") ?? candidates[0];
    if (!target) continue;
    const first = target.examples[locale][0];
    const text = `${first.text.replace(/[.!?]+$/, "")}${suffix}`;
    target.examples[locale].push({ ...first, text, line: 0, column: 0 });
    return { dataset: copy, intent: target.name, locale, text };
  }
  return undefined;
}

/** A terminal logger for the demo: step headers and progress, no debug, the key redacted. */
function demoLogger(redactor: Redactor, debug: boolean): Logger {
  return consoleLogger({ debug, redact: (s) => redactor.redactSecrets(s) });
}

export async function run(ctx: CommandContext): Promise<number> {
  const apiKey = `demo-${randomBytes(18).toString("hex")}`;
  const redactor = new Redactor();
  redactor.addSecret(apiKey);
  const print = (line = "") => void process.stdout.write(`${redactor.redactSecrets(line)}\n`);
  const flags = overridesFromFlags(ctx.values);
  const base: RunConfig = resolveRunConfig({ ...flags, rateLimit: "0" }, { ...ctx.env, COGNIGY_API_KEY: apiKey }, ctx.cwd);
  const emulator = await startEmulator({ port: 0, apiKey, seed: base.config, rateLimit: 0, taskDelayMs: 30 });
  try {
    const logger = demoLogger(redactor, ctx.debug);
    const run: RunConfig = { ...base, apiKey, commit: base.commit ?? "demo", config: { ...base.config, cognigy: { ...base.config.cognigy, baseUrl: emulator.url, rateLimit: 0 } } };
    const flows = run.config.flows.map((f) => `${f.name} (${Object.keys(f.locales).join(", ")})`).join(", ");
    print(`cognigy-nlu demo: releasing ${flows} from ${run.configPath.replace(`${ctx.cwd}/`, "")}`);
    print(`to an embedded Cognigy emulator at ${emulator.url} (your files are never modified)`);
    print();
    print("── run 1: first release (validate → plan → sync → train → evaluate → gate → promote)");
    const first = await runRelease(run, { logger });
    const files = await writeReportFiles(first, run.out, { redactor });
    for (const l of summaryLines(first)) print(l);
    print(`report: ${[files.json, files.md, files.html].flatMap((f) => (f ? [relative(ctx.cwd, f)] : [])).join(", ")}`);
    if (first.status === "failure") return exitCode(first);

    const v = await validateData(run);
    const edit = withOneMoreSentence(v.dataset);
    if (!edit) return exitCode(first);
    print();
    print(`── run 2: the same release after one edit (intent ${edit.intent}, ${edit.locale}: + "${edit.text}")`);
    const second = await runRelease({ ...run, out: join(run.out, "incremental") }, { logger: headlinesOnly(logger), dataset: edit.dataset });
    await writeReportFiles(second, join(run.out, "incremental"), { redactor });
    const t = second.plan?.totals;
    if (t) {
      const intents = t.createIntents + t.updateIntents + t.deleteIntents;
      print(`incremental: ${t.addSentences} sentence added, ${t.removeSentences} removed, ${intents} intent changes → ${second.sync?.writeCalls ?? 0} write call(s) to Cognigy`);
    }
    for (const l of summaryLines(second)) print(l);
    // run 3: the pull request path — a one-sentence edit judged in a preview flow next to production, then compared
    const prEdit = withOneMoreSentence(edit.dataset, " right now");
    let third: Report | undefined;
    if (prEdit) {
      print();
      print(`── run 3: a pull request check after one edit (intent ${prEdit.intent}, ${prEdit.locale}: + "${prEdit.text}")`);
      print("   production is never written: a tagged preview flow gets the PR's data, is trained, scored next to the deployed model, and deleted");
      const prOut = join(run.out, "pull-request");
      third = await runCheck({ ...run, out: prOut, check: { previewName: "demo", runId: "demo" } }, { logger: headlinesOnly(logger), dataset: prEdit.dataset, baseDataset: edit.dataset });
      await writeReportFiles(third, prOut, { redactor });
      if (third.evaluation?.flow) print(`preview flow: ${third.evaluation.flow} (deleted when the check ended)`);
      if (third.comparison) print(`comparison on the same ${third.comparison.head.metrics.total} utterances: ${comparisonLine(third.comparison)}`);
      for (const l of summaryLines(third)) print(l);
    }
    print();
    const passed = first.status === "success" && second.status === "success" && (!third || third.status === "success");
    print(`done: ${passed ? "both releases and the PR check passed" : "see the reports"}; reports in ${relative(ctx.cwd, run.out)}/`);
    return Math.max(exitCode(first), exitCode(second), third ? exitCode(third) : 0);
  } finally {
    await emulator.close();
  }
}

/** For the second run: the evaluate step shows only its headline (the tables were shown by the first run). */
function headlinesOnly(l: Logger): Logger {
  let step = "";
  let lines = 0;
  return {
    ...l,
    info: (m) => {
      if (step === "evaluate" && lines++ >= 1) return;
      l.info(m);
    },
    async group(name, fn) {
      step = name;
      lines = 0;
      return l.group(name, fn);
    },
  };
}

function relative(cwd: string, p: string): string {
  return p.startsWith(`${cwd}/`) ? p.slice(cwd.length + 1) : p;
}
