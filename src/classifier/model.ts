// The local text classifier (the emulator's model and the pipeline's local estimate): hashed TF-IDF (word 1-2-grams +
// char 3-4-grams within words) and a softmax regression fitted by SGD. Pure and dependency-free; fitting is
// deterministic for a given set of (text, label) pairs and seed, whatever their order (labels must not be random:
// callers label by intent name, see src/emulator/models.ts).

export interface LabeledText {
  text: string;
  label: string;
}

export interface FitOptions {
  /** Passes over the data (default: 4 for big data sets, up to 40 for small ones). */
  epochs?: number;
  /** Initial learning rate (default 2). */
  learningRate?: number;
  /** L2 penalty per example (default 1e-6). */
  l2?: number;
  /** Shuffle seed (default 1). */
  seed?: number;
  /** Softmax temperature applied when scoring (default 1). */
  temperature?: number;
  /** Called now and then with the share of the work done (0..1). */
  onProgress?: (done: number) => void;
  /** Async fitting: examples processed between two yields to the event loop (default 2000). */
  chunk?: number;
  signal?: AbortSignal;
}

export interface Prediction {
  label: string;
  score: number;
}

const HASH_BITS = 20;
/** Longest char n-gram (3..CHAR_MAX). 5-grams cost ~20% more training time for no accuracy gain on CLINC150. */
const CHAR_MAX = 4;
const HASH_MASK = (1 << HASH_BITS) - 1;
const WORD_WEIGHT = 0.75; // share of the (squared) norm given to the word block; the rest to char n-grams
const NS_WORD = 0x811c9dc5;
const NS_BIGRAM = 0x01000193 ^ 0x5bd1e995;
const NS_CHAR = 0x27d4eb2f;

function mix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function hashStr(seed: number, s: string): number {
  let h = seed >>> 0;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return mix(h);
}

const WORD_RE = /[\p{L}\p{N}]+(?:['’][\p{L}]+)?/gu;

/** Lower-cased, NFKC-normalised word tokens. */
export function tokenize(text: string): string[] {
  return text.normalize("NFKC").toLowerCase().match(WORD_RE) ?? [];
}

/** Raw term counts of one text, split into the word block and the char block (hashed bucket → count). */
export function rawFeatures(text: string): { words: Map<number, number>; chars: Map<number, number> } {
  const toks = tokenize(text);
  const words = new Map<number, number>();
  const chars = new Map<number, number>();
  const add = (m: Map<number, number>, h: number) => {
    const b = h & HASH_MASK;
    m.set(b, (m.get(b) ?? 0) + 1);
  };
  for (let i = 0; i < toks.length; i++) {
    add(words, hashStr(NS_WORD, toks[i]));
    if (i > 0) add(words, hashStr(NS_BIGRAM, `${toks[i - 1]} ${toks[i]}`));
    const w = ` ${toks[i]} `;
    for (let s = 0; s + 3 <= w.length; s++) {
      let h = NS_CHAR;
      for (let k = 0; k < CHAR_MAX && s + k < w.length; k++) {
        h = Math.imul(h ^ w.charCodeAt(s + k), 0x01000193);
        if (k >= 2) add(chars, mix(h));
      }
    }
  }
  return { words, chars };
}

/** A sparse, L2-normalised vector over compact feature indices. */
interface SparseVec {
  idx: Int32Array;
  val: Float32Array;
}

function vectorize(
  raw: { words: Map<number, number>; chars: Map<number, number> },
  index: Map<number, number>,
  idf: Float32Array,
): SparseVec {
  const idx: number[] = [];
  const val: number[] = [];
  const block = (m: Map<number, number>, weight: number) => {
    const start = idx.length;
    let norm = 0;
    for (const [b, c] of m) {
      const j = index.get(b);
      if (j === undefined) continue;
      const v = (1 + Math.log(c)) * idf[j];
      idx.push(j);
      val.push(v);
      norm += v * v;
    }
    if (norm > 0) {
      const f = Math.sqrt(weight / norm);
      for (let i = start; i < idx.length; i++) val[i] *= f;
    }
  };
  const hasWords = raw.words.size > 0;
  const hasChars = raw.chars.size > 0;
  block(raw.words, hasChars ? WORD_WEIGHT : 1);
  block(raw.chars, hasWords ? 1 - WORD_WEIGHT : 1);
  return { idx: Int32Array.from(idx), val: Float32Array.from(val) };
}

/** Deterministic PRNG (mulberry32). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A fitted classifier. `predict` returns every label with a softmax probability, best first. */
export class Classifier {
  private constructor(
    readonly labels: string[],
    private readonly index: Map<number, number>,
    private readonly idf: Float32Array,
    private readonly weights: Float32Array, // feature-major: weights[j * K + k]
    private readonly bias: Float32Array,
    readonly temperature: number,
  ) {}

  static create(labels: string[], index: Map<number, number>, idf: Float32Array, weights: Float32Array, bias: Float32Array, temperature: number): Classifier {
    return new Classifier(labels, index, idf, weights, bias, temperature);
  }

  get featureCount(): number {
    return this.idf.length;
  }

  /** Raw linear scores (logits) per label, in label order. */
  logits(text: string): Float64Array {
    const K = this.labels.length;
    const out = new Float64Array(K);
    if (K === 0) return out;
    for (let k = 0; k < K; k++) out[k] = this.bias[k];
    const x = vectorize(rawFeatures(text), this.index, this.idf);
    const W = this.weights;
    for (let i = 0; i < x.idx.length; i++) {
      const v = x.val[i];
      const base = x.idx[i] * K;
      for (let k = 0; k < K; k++) out[k] += v * W[base + k];
    }
    return out;
  }

  /** Every label with its probability, sorted by score descending (ties by label). */
  predict(text: string): Prediction[] {
    const K = this.labels.length;
    if (K === 0) return [];
    const z = this.logits(text);
    const p = softmax(z, 1 / this.temperature);
    const out: Prediction[] = [];
    for (let k = 0; k < K; k++) out.push({ label: this.labels[k], score: p[k] });
    out.sort((a, b) => b.score - a.score || (a.label < b.label ? -1 : a.label > b.label ? 1 : 0));
    return out;
  }

  /** Every label as `{ name, score }` (the shape of Cognigy's nlu/scores), best first. */
  score(text: string): { name: string; score: number }[] {
    return this.predict(text).map((p) => ({ name: p.label, score: p.score }));
  }

  /** The fitted model as typed arrays (for a transfer between threads); `Classifier.fromParts` restores it exactly. */
  toParts(): ClassifierParts {
    const buckets = new Int32Array(this.idf.length);
    for (const [b, j] of this.index) buckets[j] = b;
    return { labels: [...this.labels], temperature: this.temperature, buckets, idf: this.idf, weights: this.weights, bias: this.bias };
  }

  static fromParts(p: ClassifierParts): Classifier {
    const K = p.labels.length;
    if (p.idf.length !== p.buckets.length || p.bias.length !== K || p.weights.length !== p.idf.length * K) throw new Error("classifier parts: inconsistent sizes");
    const index = new Map<number, number>();
    for (let j = 0; j < p.buckets.length; j++) index.set(p.buckets[j], j);
    return new Classifier([...p.labels], index, p.idf, p.weights, p.bias, p.temperature);
  }

  /** A JSON-safe copy of the fitted model (weights as base64 float32); `Classifier.fromJSON` restores it exactly. */
  toJSON(): SerializedClassifier {
    const buckets = new Int32Array(this.idf.length);
    for (const [b, j] of this.index) buckets[j] = b;
    return {
      format: "cognigy-nlu-classifier",
      version: 1,
      labels: [...this.labels],
      temperature: this.temperature,
      buckets: b64(buckets),
      idf: b64(this.idf),
      weights: b64(this.weights),
      bias: b64(this.bias),
    };
  }

  static fromJSON(s: SerializedClassifier): Classifier {
    if (s?.format !== "cognigy-nlu-classifier" || s.version !== 1) throw new Error("not a serialised cognigy-nlu classifier (version 1)");
    const buckets = new Int32Array(unb64(s.buckets));
    const idf = new Float32Array(unb64(s.idf));
    const weights = new Float32Array(unb64(s.weights));
    const bias = new Float32Array(unb64(s.bias));
    const K = s.labels.length;
    if (idf.length !== buckets.length || bias.length !== K || weights.length !== idf.length * K) throw new Error("serialised classifier: inconsistent sizes");
    const index = new Map<number, number>();
    for (let j = 0; j < buckets.length; j++) index.set(buckets[j], j);
    return new Classifier([...s.labels], index, idf, weights, bias, s.temperature);
  }
}

/** What `Classifier.toParts` produces. */
export interface ClassifierParts {
  labels: string[];
  temperature: number;
  buckets: Int32Array;
  idf: Float32Array;
  weights: Float32Array;
  bias: Float32Array;
}

/** What `Classifier.toJSON` produces. */
export interface SerializedClassifier {
  format: "cognigy-nlu-classifier";
  version: 1;
  labels: string[];
  temperature: number;
  /** Hashed feature buckets (int32), in feature order. */
  buckets: string;
  idf: string;
  /** float32, feature-major (weights[j * K + k]). */
  weights: string;
  bias: string;
}

function b64(a: Int32Array | Float32Array): string {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString("base64");
}

function unb64(s: string): ArrayBuffer {
  const b = Buffer.from(s, "base64");
  return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
}

function softmax(z: ArrayLike<number>, scale: number): Float64Array {
  const K = z.length;
  const p = new Float64Array(K);
  let max = -Infinity;
  for (let k = 0; k < K; k++) if (z[k] > max) max = z[k];
  let sum = 0;
  for (let k = 0; k < K; k++) {
    p[k] = Math.exp((z[k] - max) * scale);
    sum += p[k];
  }
  for (let k = 0; k < K; k++) p[k] /= sum;
  return p;
}

interface Prepared {
  labels: string[];
  y: Int32Array;
  xs: SparseVec[];
  index: Map<number, number>;
  idf: Float32Array;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The training data in a canonical order: by text, then label (code units, no locale). SGD visits the examples in a
 * seeded permutation of this order, so the fit depends on the set of pairs, not on the order they were inserted in
 * (the emulator's store fills in whatever order imports and batches arrive).
 */
export function canonicalOrder(data: readonly LabeledText[]): LabeledText[] {
  return [...data].sort((a, b) => cmp(a.text, b.text) || cmp(a.label, b.label));
}

/**
 * Labels in the order of their first example in canonical order: it depends on the texts, not on the label strings
 * (the emulator's labels are random referenceIds), so float sums over labels run in the same order on every run.
 */
function labelOrder(sorted: readonly LabeledText[]): string[] {
  return [...new Set(sorted.map((d) => d.label))];
}

function prepare(unordered: LabeledText[]): Prepared {
  const data = canonicalOrder(unordered);
  const labels = labelOrder(data);
  const labelIdx = new Map(labels.map((l, i) => [l, i]));
  const raws = data.map((d) => rawFeatures(d.text));
  const df = new Map<number, number>();
  for (const r of raws) {
    for (const b of r.words.keys()) df.set(b, (df.get(b) ?? 0) + 1);
    for (const b of r.chars.keys()) df.set(b, (df.get(b) ?? 0) + 1);
  }
  const buckets = [...df.keys()].sort((a, b) => a - b);
  const index = new Map<number, number>();
  const idf = new Float32Array(buckets.length);
  const N = data.length;
  buckets.forEach((b, j) => {
    index.set(b, j);
    idf[j] = Math.log((1 + N) / (1 + (df.get(b) ?? 0))) + 1;
  });
  const xs = raws.map((r) => vectorize(r, index, idf));
  const y = Int32Array.from(data.map((d) => labelIdx.get(d.label)!));
  return { labels, y, xs, index, idf };
}

/**
 * One SGD pass over examples order[from..to) (softmax regression, lazy L2 as a scale factor); returns the new scale.
 * A free function over typed arrays and numbers only: no property access in the hot loop, so V8's optimised code
 * never meets a path without type feedback (a method version deoptimised at its last `this.` store on every call).
 */
function sgd(
  K: number,
  W: Float32Array,
  b: Float32Array,
  p: Float64Array,
  active: Int32Array,
  start: Int32Array,
  idx: Int32Array,
  val: Float32Array,
  y: Int32Array,
  l2: number,
  order: Int32Array,
  from: number,
  to: number,
  lr: number,
  scale0: number,
  loss: Float64Array,
): number {
  let scale = scale0;
  let lossSum = 0;
  for (let n = from; n < to; n++) {
    const i = order[n];
    const lo = start[i];
    const hi = start[i + 1];
    const yi = y[i];
    for (let k = 0; k < K; k++) p[k] = b[k];
    for (let a = lo; a < hi; a++) {
      const v = val[a] * scale;
      const base = idx[a] * K;
      for (let k = 0; k < K; k++) p[k] += v * W[base + k];
    }
    let max = -Infinity;
    for (let k = 0; k < K; k++) if (p[k] > max) max = p[k];
    let sum = 0;
    for (let k = 0; k < K; k++) {
      p[k] = Math.exp(p[k] - max);
      sum += p[k];
    }
    lossSum -= Math.log(p[yi] / sum);
    let na = 0;
    for (let k = 0; k < K; k++) {
      const g = p[k] / sum - (k === yi ? 1 : 0);
      p[k] = g;
      if (g > 1e-4 || g < -1e-4) active[na++] = k;
    }
    // L2 shrinkage as a scale factor, then the gradient step on the unscaled weights.
    if (l2 > 0) {
      scale *= 1 - lr * l2;
      if (scale < 1e-3) {
        for (let j = 0; j < W.length; j++) W[j] *= scale;
        scale = 1;
      }
    }
    const f = lr / scale;
    for (let a = lo; a < hi; a++) {
      const v = val[a] * f;
      const base = idx[a] * K;
      for (let q = 0; q < na; q++) {
        const k = active[q];
        W[base + k] -= v * p[k];
      }
    }
    for (let q = 0; q < na; q++) b[active[q]] -= lr * p[active[q]];
  }
  loss[0] += lossSum;
  return scale;
}

/** The SGD state; `step` processes examples [from, to) of one epoch's order. */
class Trainer {
  readonly K: number;
  readonly W: Float32Array;
  readonly b: Float32Array;
  private readonly p: Float64Array;
  private readonly active: Int32Array;
  // The examples as one CSR matrix (row i: idx/val[start[i] .. start[i+1])): flat typed arrays keep the hot loop
  // free of per-example object loads; the arithmetic and its order are the same as over SparseVec rows.
  private readonly start: Int32Array;
  private readonly idx: Int32Array;
  private readonly val: Float32Array;
  private readonly y: Int32Array;
  private scale = 1; // W_true = scale * W (lazy L2 shrinkage)
  /** Sum of the training examples' cross-entropy seen since the last `takeLoss` (before each one's update). */
  readonly loss = new Float64Array(1);

  constructor(
    prep: Prepared,
    private readonly lr0: number,
    private readonly l2: number,
  ) {
    this.K = prep.labels.length;
    this.W = new Float32Array(prep.idf.length * this.K);
    this.b = new Float32Array(this.K);
    this.p = new Float64Array(this.K);
    this.active = new Int32Array(this.K);
    this.y = prep.y;
    let nnz = 0;
    for (const x of prep.xs) nnz += x.idx.length;
    this.start = new Int32Array(prep.xs.length + 1);
    this.idx = new Int32Array(nnz);
    this.val = new Float32Array(nnz);
    let o = 0;
    prep.xs.forEach((x, i) => {
      this.start[i] = o;
      this.idx.set(x.idx, o);
      this.val.set(x.val, o);
      o += x.idx.length;
    });
    this.start[prep.xs.length] = o;
  }

  step(order: Int32Array, from: number, to: number, lr: number): void {
    this.scale = sgd(this.K, this.W, this.b, this.p, this.active, this.start, this.idx, this.val, this.y, this.l2, order, from, to, lr, this.scale, this.loss);
  }

  private rescale(): void {
    const s = this.scale;
    for (let i = 0; i < this.W.length; i++) this.W[i] *= s;
    this.scale = 1;
  }

  finish(): void {
    if (this.scale !== 1) this.rescale();
  }

  rate(epoch: number, epochs: number): number {
    return this.lr0 / (1 + (3 * epoch) / Math.max(1, epochs));
  }
}

function shuffled(n: number, rnd: () => number): Int32Array {
  const o = new Int32Array(n);
  for (let i = 0; i < n; i++) o[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    const t = o[i];
    o[i] = o[j];
    o[j] = t;
  }
  return o;
}

/** Few passes over big data sets, more over small ones (≈ 70k example updates, 4..40 epochs). */
export function autoEpochs(n: number): number {
  return Math.min(40, Math.max(4, Math.ceil(70000 / Math.max(1, n))));
}

function defaults(opts: FitOptions, n: number) {
  return {
    epochs: opts.epochs ?? autoEpochs(n),
    lr: opts.learningRate ?? 2,
    l2: opts.l2 ?? 1e-6,
    seed: opts.seed ?? 1,
    temperature: opts.temperature ?? 1,
    chunk: Math.max(1, opts.chunk ?? 2000),
  };
}

/** Fits a classifier synchronously (blocks; use `fitClassifier` in a server). */
export function fitClassifierSync(data: LabeledText[], opts: FitOptions = {}): Classifier {
  const o = defaults(opts, data.length);
  const prep = prepare(data);
  const tr = new Trainer(prep, o.lr, o.l2);
  const rnd = mulberry32(o.seed);
  for (let e = 0; e < o.epochs; e++) {
    const order = shuffled(prep.xs.length, rnd);
    tr.step(order, 0, order.length, tr.rate(e, o.epochs));
    opts.onProgress?.((e + 1) / o.epochs);
  }
  tr.finish();
  return Classifier.create(prep.labels, prep.index, prep.idf, tr.W, tr.b, o.temperature);
}

const yieldNow = () => new Promise<void>((r) => setImmediate(r));

/** Fits a classifier in chunks, yielding to the event loop between them; same result as `fitClassifierSync`. */
export async function fitClassifier(data: LabeledText[], opts: FitOptions = {}): Promise<Classifier> {
  const o = defaults(opts, data.length);
  await yieldNow();
  const prep = prepare(data);
  const tr = new Trainer(prep, o.lr, o.l2);
  const rnd = mulberry32(o.seed);
  const n = prep.xs.length;
  for (let e = 0; e < o.epochs; e++) {
    const order = shuffled(n, rnd);
    const lr = tr.rate(e, o.epochs);
    for (let from = 0; from < n; from += o.chunk) {
      if (opts.signal?.aborted) throw opts.signal.reason ?? new Error("aborted");
      tr.step(order, from, Math.min(n, from + o.chunk), lr);
      opts.onProgress?.((e + Math.min(n, from + o.chunk) / n) / o.epochs);
      await yieldNow();
    }
  }
  tr.finish();
  return Classifier.create(prep.labels, prep.index, prep.idf, tr.W, tr.b, o.temperature);
}
