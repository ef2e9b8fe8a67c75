import { afterEach, describe, expect, it, vi } from "vitest";
import { type CliRun, runMain } from "../cli-main.js";
import { CONFIG, intentYaml, makeRepo, type Repo } from "../dataset/repo.js";

let repo: Repo | undefined;
afterEach(() => {
  repo?.remove();
  repo = undefined;
  vi.restoreAllMocks();
});

/** Runs `cognigy-nlu validate …` in-process; returns the exit code and what it printed. */
function validate(args: string[]): Promise<CliRun> {
  return runMain(["validate", "--config", `${repo!.root}/cognigy-nlu.yml`, ...args], {});
}

const words = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliet", "kilo", "lima", "mike", "november", "oscar", "papa"];
const examples = (topic: string) => words.map((w, i) => `${topic} ${w} ${words[(i + 5) % 16]} ${words[(i + 11) % 16]}`);
const good = () => ({
  "training-data/main/intents/pizza.yml": `${intentYaml("OrderPizza", examples("pizza"))}tests:\n  - a pizza for me\n`,
  "training-data/main/intents/weather.yml": `${intentYaml("Weather", examples("weather"))}tests:\n  - is it raining\n`,
});

describe("cognigy-nlu validate", () => {
  it("exits 0 on clean data and prints the total", async () => {
    repo = makeRepo(good(), CONFIG.replace("{ en-US: en-US, de-DE: de-DE }", "{ en-US: en-US }"));
    const r = await validate([]);
    expect(r.code).toBe(0);
    expect(r.out).toBe("validate: 0 errors, 0 warnings, 0 info in 2 files (34 utterances, 2 intents)\n");
  });

  it("exits 1 on a cross-intent duplicate; --format json has the finding at the copy's line", async () => {
    repo = makeRepo({ ...good(), "training-data/main/intents/zz_planted.yml": `intent: zz_planted\nexamples:\n  - "hello there friend"\n  - pizza alpha foxtrot lima\n  - "a third example sentence"\n` });
    const r = await validate(["--format", "json"]);
    expect(r.code).toBe(1);
    const json = JSON.parse(r.out) as { findings: { rule: string; severity: string; file: string; line: number }[]; totals: { errors: number } };
    expect(json.findings).toContainEqual(expect.objectContaining({ rule: "duplicate-across", severity: "error", file: "training-data/main/intents/zz_planted.yml", line: 4 }));
    expect(json.totals.errors).toBeGreaterThan(0);
  });

  it("names the file of a duplicate YAML key (exit 1)", async () => {
    repo = makeRepo({ ...good(), "training-data/main/intents/zz_dupkey.yml": "intent: broken\nexamples:\n  - a\nexamples:\n  - b\n" });
    const r = await validate([]);
    expect(r.code).toBe(1);
    expect(r.out).toContain("training-data/main/intents/zz_dupkey.yml:4:1 error yaml duplicate key 'examples'");
  });

  it("--format github prints escaped annotations, then the total", async () => {
    repo = makeRepo({ ...good(), "training-data/main/intents/bad,name.yml": "intent: x\nexmples:\n  - a\n" });
    const r = await validate(["--format", "github"]);
    expect(r.code).toBe(1);
    expect(r.out).toContain("::error file=training-data/main/intents/bad%2Cname.yml,line=2,col=1,title=schema::unknown key 'exmples' (did you mean 'examples'?) (rename it to 'examples')");
    expect(r.out.trimEnd().split("\n").pop()).toMatch(/^validate: \d+ errors?, /);
  });

  it("exits 2 on configuration and usage errors", async () => {
    repo = makeRepo(good(), CONFIG.replace("defaultLocale", "defaultLocal"));
    let r = await validate([]);
    expect(r.code).toBe(2);
    expect(r.err).toContain("unknown key 'defaultLocal' (did you mean 'defaultLocale'?)");
    repo.write("cognigy-nlu.yml", CONFIG);
    r = await validate(["--format", "xml"]);
    expect(r.code).toBe(2);
    repo.write("cognigy-nlu.yml", CONFIG.replace("dir: training-data/main", "dir: ../../etc"));
    r = await validate([]);
    expect(r.code).toBe(2);
    expect(r.err).toContain("points outside the repository");
  });
});
