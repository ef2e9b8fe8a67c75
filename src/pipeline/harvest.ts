// The harvest mode: real user messages (Intent Trainer learning sentences, conversation-log files, OData Analytics) → reviewed proposals:
// harvest.patch over the intent files and harvest-pr.md. Nothing is uploaded.
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { readFileSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import pLimit from "p-limit";
import type { CognigyApi, IntentScore } from "../cognigy/types.js";
import type { RunConfig } from "../config/options.js";
import type { FlowConfig } from "../config/schema.js";
import { loadDataset } from "../dataset/load.js";
import { normalize } from "../dataset/normalize.js";
import type { Dataset, FlowData } from "../dataset/types.js";
import { ConfigError, UserError } from "../errors.js";
import type { Report } from "../report/types.js";
import { buildPatch, type FileProposal, prBody } from "./harvest/render.js";
import { type AnalyticsReadOptions, readAnalytics } from "./harvest/odata.js";
import { type Candidate, type DropReason, type Known, selectCandidates } from "./harvest/select.js";
import { type LogRecord, parseLogFile, toMillis } from "./harvest/sources.js";
import { resolveTargets } from "./resolve.js";
import { Runner } from "./run.js";
import type { RunDeps, Target } from "./types.js";

export interface HarvestOptions {
  /** Inclusive lower bound, ms since the epoch (--since). */
  since?: number;
  /** Exclusive upper bound, ms since the epoch (--until). */
  until?: number;
  /** A conversation-log export (JSON / CSV) to read besides the learning sentences (--input). */
  input?: string;
  /** Overrides config.harvest.minScore (--min-score). */
  minScore?: number;
  /** PII in a message: drop it (default) or mask it (--mask-pii). */
  pii?: "drop" | "mask";
  /** Read the Intent Trainer's learning sentences (default: when an API key / client is available). */
  learningSentences?: boolean;
  /** The OData service (`<odata>/v2.x`) whose Analytics records (with their intent scores) are read (--odata-url). */
  odataUrl?: string;
  /** Transport knobs of the OData reader (tests: sleep, page size). */
  odata?: Pick<AnalyticsReadOptions, "sleep" | "fetch" | "pageSize" | "maxPages" | "timeoutMs" | "maxRetries">;
}

export interface HarvestSummary {
  patch: string;
  pr: string;
  read: { learningSentences: number; logRecords: number; analytics?: number };
  proposals: (FileProposal & { examples: { text: string; score: number; count: number; source: string }[] })[];
  dropped: Partial<Record<DropReason | "out-of-range", number>>;
  tooFew: { intent: string; locale: string; count: number }[];
  minScore: number;
  minPerIntent: number;
}

type Tagged = Candidate & { flow: string };

function inRange(at: number | undefined, o: HarvestOptions): boolean | undefined {
  if (o.since === undefined && o.until === undefined) return true;
  if (at === undefined) return undefined;
  return (o.since === undefined || at >= o.since) && (o.until === undefined || at < o.until);
}

/** At most this many learning sentences are read one by one for their dates (--since/--until); more needs the OData source. */
export const MAX_DATED_READS = 100;

/**
 * The learning sentences of one flow, listed once and attributed by re-scoring: the top intent of this flow when its
 * score is ≥ minScore and ahead of the runner-up by ≥ minMargin. List items carry no intent and no date
 * (ILearningSentenceIndexItem_2_0), so nothing depends on whether the server filters by intent (cognigy-api.md §18).
 */
async function learningCandidates(
  client: CognigyApi,
  target: Target,
  run: RunConfig,
  o: HarvestOptions,
  known: ReadonlyMap<string, string>,
  counts: { read: number; dropped: Partial<Record<DropReason | "out-of-range", number>> },
  log: (m: string) => void,
  thresholds: { minScore: number; minMargin: number },
): Promise<Tagged[]> {
  const def = target.locales.find((l) => l.key === target.flow.defaultLocale) ?? target.locales[0];
  if (!def) return [];
  const drop = (r: DropReason | "out-of-range") => {
    counts.dropped[r] = (counts.dropped[r] ?? 0) + 1;
  };
  let items = (await client.listLearningSentences(target.flowId, { flowReferenceId: target.flowReferenceId })).filter((ls) => typeof ls.sentence === "string");
  counts.read += items.length;
  const limit = pLimit(run.config.evaluate.concurrency);
  if (o.since !== undefined || o.until !== undefined) {
    if (items.length > MAX_DATED_READS) {
      throw new ConfigError(
        `--since/--until: flow '${target.flow.name}' has ${items.length} learning sentences and their list carries no dates; reading each one (${items.length} requests) is over the limit of ${MAX_DATED_READS}`,
        "date ranges need dated records: read Analytics with --odata-url, or pass a conversation-log export with --input (or drop --since/--until)",
      );
    }
    const dated = await Promise.all(items.map((ls) => limit(async () => ({ ls, at: toMillis((await client.getLearningSentence(target.flowId, { flowReferenceId: target.flowReferenceId, learningSentenceId: ls._id })).createdAt) }))));
    items = [];
    for (const d of dated) {
      if (inRange(d.at, o) === true) items.push(d.ls);
      else drop("out-of-range");
    }
  }
  const out: Tagged[] = [];
  const toScore = new Set<string>();
  for (const ls of items) {
    const intent = known.get(normalize(ls.sentence));
    // already an example or test: no scoring call, dropped as a duplicate later
    if (intent !== undefined) out.push({ text: ls.sentence, intent, score: 1, locale: def.key, source: "learning-sentence", flow: target.flow.name });
    else toScore.add(ls.sentence);
  }
  log(`${target.flow.name}: ${items.length} learning sentence(s), ${toScore.size} to re-score`);
  const scored = new Map<string, IntentScore[]>();
  await Promise.all(
    [...toScore].map((text) =>
      limit(async () => {
        scored.set(text, await client.scores(target.projectId, { flowReferenceId: target.flowReferenceId, localeReferenceId: def.locale.referenceId, sentence: text }));
      }),
    ),
  );
  for (const ls of items) {
    const scores = scored.get(ls.sentence);
    if (!scores) continue;
    const [top, runnerUp] = [...scores].sort((a, b) => b.score - a.score);
    if (!top || top.score < thresholds.minScore) drop("low-score");
    else if (top.flow !== undefined && top.flow !== target.flowReferenceId) drop("wrong-intent"); // an attached flow's intent
    else if (top.score - (runnerUp?.score ?? 0) < thresholds.minMargin) drop("ambiguous");
    else out.push({ text: ls.sentence, intent: top.name, score: top.score, locale: def.key, source: "learning-sentence", flow: target.flow.name });
  }
  return out;
}

/** Log records → candidates of the configured flows (flow by name, or the flow defining the intent; locale by Cognigy name). */
function logCandidates(records: readonly LogRecord[], flows: readonly FlowData[], o: HarvestOptions, dropped: HarvestSummary["dropped"], source: Tagged["source"] = "log"): Tagged[] {
  const out: Tagged[] = [];
  for (const r of records) {
    const ok = inRange(r.at, o);
    if (ok !== true) {
      dropped["out-of-range"] = (dropped["out-of-range"] ?? 0) + 1;
      continue;
    }
    if (!r.intent || r.score === undefined) {
      dropped["low-score"] = (dropped["low-score"] ?? 0) + 1;
      continue;
    }
    const flow = flows.find((f) => r.flow !== undefined && f.flow.name === r.flow) ?? flows.find((f) => f.intents.some((i) => i.name === r.intent)) ?? flows[0];
    if (!flow) continue;
    const locale = Object.entries(flow.flow.locales).find(([k, name]) => name === r.locale || k === r.locale)?.[0] ?? flow.flow.defaultLocale;
    out.push({ text: r.text, intent: r.intent, score: r.score, locale, source, flow: flow.flow.name });
  }
  return out;
}

function knownOf(flow: FlowData): Known[] {
  const out: Known[] = [];
  for (const i of flow.intents) {
    for (const [locale, list] of Object.entries(i.examples)) for (const u of list) out.push({ intent: i.name, locale, text: u.text });
    for (const [locale, list] of Object.entries(i.tests)) for (const u of list) out.push({ intent: i.name, locale, text: u.text });
  }
  for (const t of flow.tests) if (t.expect) out.push({ intent: t.expect, locale: t.locale, text: t.text });
  return out;
}

/** `cognigy-nlu harvest`: writes harvest.patch and harvest-pr.md into run.out; report.harvest lists the proposals. */
export async function runHarvest(run: RunConfig & HarvestOptions, deps: RunDeps): Promise<Report> {
  const r = new Runner(run, deps, "harvest");
  const log = deps.logger;
  const minScore = run.minScore ?? run.config.harvest.minScore;
  const minPerIntent = run.config.harvest.minPerIntent;
  const minMargin = run.config.harvest.minMargin;
  const useLearning = run.learningSentences ?? r.canConnect;
  if (!useLearning && !run.input && !run.odataUrl)
    throw new ConfigError("harvest: nothing to read: set COGNIGY_API_KEY (learning sentences), pass --input FILE (a conversation-log export) and/or --odata-url URL");
  if (run.odataUrl && !run.apiKey) throw new ConfigError("harvest: --odata-url needs COGNIGY_API_KEY (sent as the OData apikey parameter)");
  const pii = run.pii ?? "drop";
  return r.execute(
    async () => {
      const dataset: Dataset = deps.dataset ?? loadDataset({ config: run.config, root: run.root });
      const broken = dataset.findings.filter((f) => f.severity === "error" && (f.rule === "yaml" || f.rule === "schema" || f.rule === "duplicate-intent"));
      if (broken.length) throw new UserError(`the training data has ${broken.length} error(s) (${broken[0]?.file}:${broken[0]?.line}: ${broken[0]?.message}); fix them before harvesting`);
      const dropped: HarvestSummary["dropped"] = {};
      const counts = { read: 0, dropped };
      const candidates: Tagged[] = [];
      let logRecords = 0;
      if (run.input) {
        const file = resolve(run.input);
        const records = await r.step("read log", async () => {
          let text: string;
          try {
            text = await readFile(file, "utf8");
          } catch (e) {
            throw new ConfigError(`--input ${run.input}: cannot read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
          }
          return parseLogFile(text, basename(file));
        }, (x) => ({ records: x.length }));
        logRecords = records.length;
        candidates.push(...logCandidates(records, dataset.flows, run, dropped));
        log.info(`${basename(file)}: ${records.length} user message(s)`);
      }
      let analytics: number | undefined;
      if (run.odataUrl) {
        const url = run.odataUrl;
        const got = await r.step("read analytics", () => readAnalytics({ ...run.odata, url, apiKey: run.apiKey as string, since: run.since, until: run.until }), (x) => ({ records: x.rows, pages: x.pages }));
        analytics = got.rows;
        if (got.unscored) dropped["low-score"] = (dropped["low-score"] ?? 0) + got.unscored;
        candidates.push(...logCandidates(got.records, dataset.flows, run, dropped, "analytics"));
        log.info(`analytics: ${got.rows} user input(s) in ${got.pages} page(s), ${got.records.length} with an intent score`);
        if (got.truncated) log.warn(`analytics: stopped after ${got.pages} pages (${got.rows} records); narrow --since/--until to read the rest`);
      }
      if (useLearning) {
        const targets = await r.step("resolve", () => resolveTargets(run.config, dataset, r.client), (t) => ({ flows: t.length }));
        await r.step("learning sentences", async () => {
          for (const t of targets) {
            const known = new Map(knownOf(t.data).map((k) => [normalize(k.text), k.intent]));
            candidates.push(...(await learningCandidates(r.client, t, run, run, known, counts, (m) => log.info(m), { minScore, minMargin })));
          }
        }, () => ({ read: counts.read }));
      }

      const proposals: FileProposal[] = [];
      const tooFew: HarvestSummary["tooFew"] = [];
      await r.step("select", async () => {
        for (const flow of dataset.flows) {
          const mine = candidates.filter((c) => c.flow === flow.flow.name);
          if (!mine.length) continue;
          const c = run.config.checks;
          const sel = selectCandidates(mine, knownOf(flow), new Set(flow.intents.map((i) => i.name)), {
            minScore,
            minPerIntent,
            length: c.length,
            nearDuplicate: c.nearDuplicate,
            pii,
            normalize,
          });
          for (const [k, n] of Object.entries(sel.dropped)) dropped[k as DropReason] = (dropped[k as DropReason] ?? 0) + (n ?? 0);
          tooFew.push(...sel.tooFew);
          for (const p of sel.proposals) {
            const file = flow.intents.find((i) => i.name === p.intent)?.file as string;
            proposals.push({ ...p, flow: flow.flow.name, file });
          }
        }
      }, () => ({ proposals: proposals.length }));

      await r.step("write proposals", async () => {
        const flows = new Map<string, FlowConfig>(dataset.flows.map((f) => [f.flow.name, f.flow]));
        const { patch } = buildPatch(proposals, (f) => readFileSync(join(run.root, f), "utf8"), flows);
        await mkdir(run.out, { recursive: true });
        const patchPath = join(run.out, "harvest.patch");
        const prPath = join(run.out, "harvest-pr.md");
        await writeFile(patchPath, patch);
        const since = run.since !== undefined ? new Date(run.since).toISOString() : undefined;
        const until = run.until !== undefined ? new Date(run.until).toISOString() : undefined;
        const range = since || until ? `${since ?? "the beginning"} to ${until ?? "now"}` : undefined;
        const read = { learningSentences: counts.read, logRecords, ...(analytics !== undefined ? { analytics } : {}) };
        const readLabels: Record<string, number> = {};
        if (useLearning) readLabels["learning sentences"] = counts.read;
        if (run.input) readLabels["logged user messages"] = logRecords;
        if (analytics !== undefined) readLabels["analytics records"] = analytics;
        await writeFile(prPath, prBody({ proposals, dropped, tooFew, read: readLabels, minScore, minPerIntent, range, pii }));
        const summary: HarvestSummary = { patch: patchPath, pr: prPath, read, proposals, dropped, tooFew, minScore, minPerIntent };
        r.report.harvest = summary;
        const n = proposals.reduce((m, p) => m + p.examples.length, 0);
        log.info(`${n} new example(s) for ${proposals.length} intent(s) → ${patchPath}, ${prPath}`);
      });
    },
    (rep) => {
      const h = rep.harvest as HarvestSummary | undefined;
      if (!h) return "harvest: nothing written";
      const n = h.proposals.reduce((m, p) => m + p.examples.length, 0);
      const d = Object.values(h.dropped).reduce((m, x) => m + (x ?? 0), 0);
      return n ? `harvest: ${n} new example(s) for ${h.proposals.length} intent(s) proposed in harvest.patch (${d} message(s) dropped)` : `harvest: nothing to propose (${d} message(s) dropped)`;
    },
  );
}
