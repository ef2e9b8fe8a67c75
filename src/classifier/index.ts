// The local classifier, shared by the emulator (its NLU model) and the pipeline (the local estimate). Pure: train,
// score, serialise; it imports nothing from the emulator or the pipeline.
import { createHash } from "node:crypto";

export {
  Classifier,
  type ClassifierParts,
  canonicalOrder,
  type FitOptions,
  fitClassifier,
  fitClassifierSync,
  type LabeledText,
  mulberry32,
  type Prediction,
  featureRow,
  type SerializedClassifier,
  tokenize,
} from "./model.js";
export { type FitJob, fitMany, fitThreads } from "./pool.js";

/**
 * A fit seed from the example texts only (sorted, so any insertion order gives the same seed): labels and ids never
 * enter it, so the same data gives the same model in any emulator instance and in the pipeline.
 */
export function trainingSeed(examples: readonly { text: string }[]): number {
  const texts = examples.map((e) => e.text).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return Number.parseInt(createHash("sha256").update(JSON.stringify(texts)).digest("hex").slice(0, 8), 16);
}
