// Trained NLU models: what a training captures, fitting (cached by content hash), scoring (cognigy-api.md §12).
import { Classifier, fitClassifier, trainingSeed } from "../classifier/index.js";
import { type FlowRec, type LocaleRec, type ModelRec, sha256, type Store } from "./state.js";

const CACHE_SIZE = 6;

export interface ScoreEntry {
  id: string;
  name: string;
  score: number;
  negated: boolean;
  confirmationSentence: string | null;
  confirmationSentences: string[] | null;
  disambiguationSentence: string | null;
  flow: string;
  description: string;
}

/** The training data of one flow × locale now: enabled intents with their sentences in that locale. */
export function captureTraining(store: Store, flow: FlowRec, locale: LocaleRec): Omit<ModelRec, "trainedAt" | "taskId"> {
  const intents: ModelRec["intents"] = [];
  const examples: ModelRec["examples"] = [];
  for (const i of store.intentsOf(flow._id)) {
    if (i.isDisabled) continue;
    const texts = i.sentences.filter((s) => s.localeReference === locale._id).map((s) => s.text);
    if (!texts.length) continue;
    intents.push({
      referenceId: i.referenceId,
      name: i.name,
      description: i.description,
      isRejectIntent: i.isRejectIntent,
      confirmationSentences: [...i.confirmationSentences],
      disambiguationSentence: i.disambiguationSentence,
    });
    for (const text of texts) examples.push({ label: i.referenceId, text });
  }
  const hash = sha256(JSON.stringify([intents.map((i) => [i.referenceId, i.name, i.isRejectIntent]), examples.map((e) => [e.label, e.text]).sort()]));
  return { flowId: flow._id, localeId: locale._id, hash, intents, examples };
}

/**
 * The fit's seed: from the sorted example texts only. `hash` (the cache key) also covers the intents' random
 * referenceIds, so seeding from it gave the same data a different model (and metrics) on every emulator.
 */
export { trainingSeed };

/**
 * The classifier's label of each intent: its name, not its random referenceId (the classifier orders same-text
 * examples and equal scores by label, so random labels made two emulators fit different models from the same data).
 * Intents sharing a name are told apart by a hash of their sorted sentences, not by id or insertion order.
 */
export function classifierLabels(m: Pick<ModelRec, "intents" | "examples">): Map<string, string> {
  const count = new Map<string, number>();
  for (const i of m.intents) count.set(i.name, (count.get(i.name) ?? 0) + 1);
  const texts = new Map<string, string[]>();
  for (const e of m.examples) {
    let t = texts.get(e.label);
    if (!t) texts.set(e.label, (t = []));
    t.push(e.text);
  }
  const out = new Map<string, string>();
  for (const i of m.intents) {
    const sorted = (texts.get(i.referenceId) ?? []).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    out.set(i.referenceId, (count.get(i.name) ?? 0) > 1 ? `${i.name}\u0000${sha256(JSON.stringify(sorted)).slice(0, 16)}` : i.name);
  }
  return out;
}

/** A fitted classifier labelled by `classifierLabels`, with the way back to referenceIds. */
export interface FittedModel {
  classifier: Classifier;
  /** classifier label → intent referenceId */
  refOf: Map<string, string>;
}

/** Fitted classifiers by the hash of their training data; models persist as data and are refitted on demand. */
export class ModelService {
  private readonly cache = new Map<string, FittedModel>();
  private readonly pending = new Map<string, Promise<FittedModel>>();

  async classifier(m: Pick<ModelRec, "hash" | "examples" | "intents">, opts: { signal?: AbortSignal; onProgress?: (f: number) => void } = {}): Promise<FittedModel> {
    const hit = this.cache.get(m.hash);
    if (hit) {
      this.cache.delete(m.hash);
      this.cache.set(m.hash, hit);
      opts.onProgress?.(1);
      return hit;
    }
    let p = this.pending.get(m.hash);
    if (!p) {
      const labels = classifierLabels(m);
      const refOf = new Map([...labels].map(([ref, label]) => [label, ref]));
      const data = m.examples.map((e) => ({ text: e.text, label: labels.get(e.label) ?? e.label }));
      p = fitClassifier(data, { seed: trainingSeed(m.examples), chunk: 250, onProgress: opts.onProgress })
        .then((classifier) => {
          const c = { classifier, refOf };
          this.cache.set(m.hash, c);
          while (this.cache.size > CACHE_SIZE) this.cache.delete(this.cache.keys().next().value!);
          return c;
        })
        .finally(() => this.pending.delete(m.hash));
      this.pending.set(m.hash, p);
    }
    if (!opts.signal) return p;
    const signal = opts.signal;
    return Promise.race([
      p,
      new Promise<never>((_, reject) => {
        if (signal.aborted) reject(signal.reason);
        signal.addEventListener("abort", () => reject(signal.reason), { once: true });
      }),
    ]);
  }

  has(hash: string): boolean {
    return this.cache.has(hash);
  }

  /** Scores one sentence: every non-reject intent of the model, best first. */
  async score(m: ModelRec, flowRef: string, sentence: string): Promise<ScoreEntry[]> {
    const c = await this.classifier(m);
    const meta = new Map(m.intents.map((i) => [i.referenceId, i]));
    const out: ScoreEntry[] = [];
    for (const p of c.classifier.predict(sentence)) {
      const i = meta.get(c.refOf.get(p.label) ?? p.label);
      if (!i || i.isRejectIntent) continue;
      out.push({
        id: i.referenceId,
        name: i.name,
        score: Math.round(p.score * 1e6) / 1e6,
        negated: false,
        confirmationSentence: i.confirmationSentences[0] ?? null,
        confirmationSentences: null,
        disambiguationSentence: i.disambiguationSentence || null,
        flow: flowRef,
        description: i.description,
      });
    }
    return out;
  }

  /** A rough Intent-Analyzer style report on the training data (accuracy on up to 1,000 examples). */
  feedback(m: ModelRec, fitted: FittedModel): unknown {
    const c = { predict: (t: string) => fitted.classifier.predict(t).map((p) => ({ ...p, label: fitted.refOf.get(p.label) ?? p.label })) };
    if (!m.examples.length) return null;
    const step = Math.max(1, Math.floor(m.examples.length / 1000));
    let n = 0;
    let hit = 0;
    for (let i = 0; i < m.examples.length; i += step) {
      n++;
      if (c.predict(m.examples[i].text)[0]?.label === m.examples[i].label) hit++;
    }
    const accuracy = Math.round((hit / n) * 1000) / 1000;
    const counts = new Map<string, number>();
    for (const e of m.examples) counts.set(e.label, (counts.get(e.label) ?? 0) + 1);
    const low = m.intents.filter((i) => (counts.get(i.referenceId) ?? 0) < 5);
    const findings: unknown[] = [{ type: accuracy > 0.8 ? "goodAccuracy" : accuracy >= 0.6 ? "fairAccuracy" : "poorAccuracy" }];
    if (low.length) findings.push({ type: "lowDataIntents", intents: low.map((i) => ({ intentReferenceId: i.referenceId, intentName: i.name })) });
    return { findings, info: { accuracy, fScore: accuracy } };
  }
}

export { Classifier };
