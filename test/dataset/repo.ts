// Test helper: a throw-away repository (cognigy-nlu.yml + training files) in the OS temp folder.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

export const CONFIG = `cognigy:
  baseUrl: http://127.0.0.1:9
  project: Test Bot
flows:
  - name: Main
    dir: training-data/main
    locales: { en-US: en-US, de-DE: de-DE }
    defaultLocale: en-US
`;

export interface Repo {
  root: string;
  write(path: string, content: string | Uint8Array): string;
  remove(): void;
}

/** A temp repository holding `files` (paths relative to the root); cognigy-nlu.yml defaults to CONFIG. */
export function makeRepo(files: Record<string, string | Uint8Array> = {}, config: string | null = CONFIG): Repo {
  const root = mkdtempSync(join(tmpdir(), "cnlu-ds-test-"));
  const write = (path: string, content: string | Uint8Array) => {
    const abs = join(root, path);
    mkdirSync(dirname(abs), { recursive: true });
    writeFileSync(abs, content);
    return abs;
  };
  if (config !== null) write("cognigy-nlu.yml", config);
  for (const [p, c] of Object.entries(files)) write(p, c);
  return { root, write, remove: () => rmSync(root, { recursive: true, force: true }) };
}

/** An intent file's text: `intent:` and a plain example list. */
export function intentYaml(name: string, examples: string[], extra = ""): string {
  return `intent: ${name}\n${extra}examples:\n${examples.map((e) => `  - ${JSON.stringify(e)}\n`).join("")}`;
}
