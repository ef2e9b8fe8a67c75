// The in-memory training data: what the YAML loader produces and every check, the planner and evaluation read.
import type { Finding, Location } from "../checks/types.js";
import type { FlowConfig } from "../config/schema.js";

export interface Utterance extends Location {
  /** The text with ordinary whitespace trimmed and collapsed (cleanWhitespace): what is uploaded, compared and scored. */
  text: string;
  /** The text as written in the file, when cleaning changed it. */
  raw?: string;
  /** The YAML locale key (a key of flow.locales). */
  locale: string;
}

/** A 1-based line and column in the file of the intent or test it belongs to. */
export interface Place {
  line: number;
  column: number;
}

export interface IntentDoc extends Location {
  name: string;
  description?: string;
  /** Where the description value is written (findings about it); absent when not read from a file. */
  descriptionAt?: Place;
  tags: string[];
  /** Where each tag is written, parallel to `tags`; absent when not read from a file. */
  tagsAt?: Place[];
  disabled: boolean;
  reject: boolean;
  /** Uploaded examples, per YAML locale key. */
  examples: Record<string, Utterance[]>;
  /** Held-out tests from the intent file, per YAML locale key. Never uploaded. */
  tests: Record<string, Utterance[]>;
}

/** One entry of a tests/*.yml file. expect null = out of scope (no intent above the threshold). */
export interface TestCase extends Location {
  /** Whitespace cleaned as Utterance.text. */
  text: string;
  /** The text as written in the file, when cleaning changed it. */
  raw?: string;
  expect: string | null;
  /** Where the expect value is written (findings about it); absent when not read from a file or null. */
  expectAt?: Place;
  locale: string;
}

export interface FlowData {
  flow: FlowConfig;
  /** Absolute path of the flow folder. */
  dir: string;
  intents: IntentDoc[];
  tests: TestCase[];
  /** Every file read, relative to the repository root. */
  files: string[];
}

export interface Dataset {
  /** Absolute repository root all `file` paths are relative to. */
  root: string;
  flows: FlowData[];
  /** Problems found while loading (yaml / schema rules). Checks add their own. */
  findings: Finding[];
}
