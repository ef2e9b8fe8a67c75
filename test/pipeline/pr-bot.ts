// A small, well separated bot for PR-check tests (5 intents, 24 examples and 12 tests each) and the PRs made on it:
// a batch mislabelled, an intent renamed, a new intent; and a git repository holding it as YAML (main = the base).
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Dataset, IntentDoc } from "../../src/dataset/types.js";
import { intent } from "./helpers.js";

export const TOPICS: Record<string, string[]> = {
  IntentA: ["pizza", "pepperoni", "margherita", "crust", "cheese", "slice", "oven", "topping", "mozzarella", "calzone", "basil", "dough"],
  IntentB: ["weather", "rain", "sunny", "forecast", "temperature", "cloudy", "storm", "snow", "humidity", "wind", "fog", "thunder"],
  IntentC: ["flight", "airport", "boarding", "ticket", "plane", "departure", "runway", "luggage", "airline", "pilot", "terminal", "visa"],
  IntentD: ["song", "playlist", "album", "guitar", "concert", "band", "lyrics", "drummer", "melody", "singer", "chorus", "piano"],
  IntentE: ["bank", "account", "balance", "transfer", "deposit", "credit", "loan", "savings", "cheque", "interest", "mortgage", "atm"],
};
const EXTRA = ["doctor", "appointment", "clinic", "medicine", "nurse", "hospital", "fever", "checkup", "dentist", "pharmacy", "vaccine", "surgery"];
const FRAMES = ["tell me about the {a} and {b}", "i need help with {a} {b}", "what is the {a} for {b}", "{a} {b} please", "can you check {a} with {b}", "show me {a} or {b}"];
const TEST_FRAMES = ["any news on {a} {b}", "question about {a} plus {b}", "{a} then {b}", "looking for {a} {b} info"];

/** n distinct texts: `frames` filled with pairs of `words` (a deterministic walk from `offset`). */
export function gen(words: string[], frames: string[], n: number, offset: number): string[] {
  const out: string[] = [];
  for (let j = 0; out.length < n; j++) {
    const a = words[(j + offset) % words.length];
    const b = words[(j * 5 + 3 + offset) % words.length];
    if (a === b) continue;
    out.push(frames[j % frames.length].replace("{a}", a).replace("{b}", b));
  }
  return [...new Set(out)];
}

function topicIntent(name: string, words: string[]): IntentDoc {
  return intent(name, { "en-US": gen(words, FRAMES, 30, 0).slice(0, 24) }, { "en-US": gen(words, TEST_FRAMES, 16, 1).slice(0, 12) });
}

/** 5 well separated intents, 24 examples and 12 tests each. */
export function bot(): IntentDoc[] {
  return Object.entries(TOPICS).map(([name, words]) => topicIntent(name, words));
}

function find(ds: Dataset, name: string): IntentDoc {
  return ds.flows[0].intents.find((i) => i.name === name) as IntentDoc;
}

/** 60% of `from`'s examples moved into `to`. */
export function mislabel(ds: Dataset, from = "IntentA", to = "IntentB"): Dataset {
  const out = structuredClone(ds);
  const a = find(out, from);
  const b = find(out, to);
  const k = Math.floor((a.examples["en-US"].length * 3) / 5);
  b.examples["en-US"].push(...a.examples["en-US"].slice(0, k));
  a.examples["en-US"] = a.examples["en-US"].slice(k);
  return out;
}

/** The intent `from` renamed `to`: same examples and tests, its file renamed. */
export function rename(ds: Dataset, from: string, to: string): Dataset {
  const out = structuredClone(ds);
  const i = find(out, from);
  i.name = to;
  i.file = i.file.replace(`${from}.yml`, `${to}.yml`);
  return out;
}

/** A new intent (a topic of its own), 24 examples and 12 tests. */
export function addIntent(ds: Dataset, name: string): Dataset {
  const out = structuredClone(ds);
  out.flows[0].intents.push(topicIntent(name, EXTRA));
  return out;
}

const CONFIG = "cognigy:\n  baseUrl: http://127.0.0.1:9\n  project: Test Bot\nflows:\n  - name: Main\n    dir: training-data/main\n    locales: { en-US: en-US }\n    defaultLocale: en-US\n";

/**
 * A git repository holding the bot as YAML files (one file per intent) and a cognigy-nlu.yml (`gate` YAML lines
 * appended); `main` is the base. `commit` replaces the intent files (a renamed intent's old file goes) and the config.
 */
export function gitRepo(ds: Dataset, gate = ""): { root: string; commit: (next: Dataset, branch: string, nextGate?: string) => void } {
  const root = mkdtempSync(join(tmpdir(), "cnlu-pr-git-"));
  const g = (...args: string[]) => execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.invalid", "-c", "commit.gpgsign=false", "-c", "core.hooksPath=/dev/null", ...args], { cwd: root, stdio: "pipe" });
  const write = (d: Dataset, gateYaml: string) => {
    const dir = join(root, "training-data/main/intents");
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    for (const i of d.flows[0].intents) {
      const ex = i.examples["en-US"].map((u) => `  - ${JSON.stringify(u.text)}\n`).join("");
      const ts = (i.tests["en-US"] ?? []).map((u) => `  - ${JSON.stringify(u.text)}\n`).join("");
      writeFileSync(join(dir, `${i.name}.yml`), `intent: ${i.name}\nexamples:\n${ex}${ts ? `tests:\n${ts}` : ""}`);
    }
    writeFileSync(join(root, "cognigy-nlu.yml"), `${CONFIG}${gateYaml}`);
  };
  write(ds, gate);
  g("init", "-q");
  g("symbolic-ref", "HEAD", "refs/heads/main");
  g("add", "-A");
  g("commit", "-qm", "base");
  return {
    root,
    commit: (next, branch, nextGate = gate) => {
      g("checkout", "-qb", branch);
      write(next, nextGate);
      g("add", "-A");
      g("commit", "-qm", branch);
    },
  };
}
