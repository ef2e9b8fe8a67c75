import { describe, expect, it } from "vitest";
import { annotation, escapeData, escapeProperty, formatGithub, formatText, summaryLine, type Totals } from "../../src/checks/format.js";
import type { Finding } from "../../src/checks/types.js";

const totals: Totals = { errors: 2, warnings: 1, infos: 1, known: 0, files: 14, utterances: 1234, intents: 12 };
const f = (file: string, line: number, severity: Finding["severity"], rule: Finding["rule"], message: string, hint?: string): Finding => ({ file, line, column: line ? 5 : 0, severity, rule, message, ...(hint ? { hint } : {}) });

describe("formatting findings", () => {
  it("has a one-line total", () => {
    expect(summaryLine(totals)).toBe("validate: 2 errors, 1 warning, 1 info in 14 files (1,234 utterances, 12 intents)");
    expect(summaryLine({ ...totals, errors: 1, files: 1, utterances: 1, intents: 1 })).toBe("validate: 1 error, 1 warning, 1 info in 1 file (1 utterance, 1 intent)");
  });

  it("prints text grouped by file and sorted by line: file:line:col severity rule message (hint)", () => {
    const out = formatText([f("b.yml", 9, "warning", "imbalance", "late"), f("a.yml", 7, "error", "pii", "x", "fix it"), f("a.yml", 2, "info", "near-duplicate-within", "early"), f("c.yml", 0, "error", "yaml", "whole file")], totals);
    expect(out).toBe(
      [
        "a.yml:2:5 info near-duplicate-within early",
        "a.yml:7:5 error pii x (fix it)",
        "",
        "b.yml:9:5 warning imbalance late",
        "",
        "c.yml error yaml whole file",
        "",
        summaryLine(totals),
        "",
      ].join("\n"),
    );
  });

  it("escapes workflow commands the way GitHub parses them", () => {
    expect(escapeData("50% done\r\nnext")).toBe("50%25 done%0D%0Anext");
    expect(escapeProperty("a:b,c%")).toBe("a%3Ab%2Cc%25");
    expect(annotation(f("dir,x/a:b.yml", 3, "warning", "mojibake", "line1\nline2", "h"))).toBe("::warning file=dir%2Cx/a%3Ab.yml,line=3,col=5,title=mojibake::line1%0Aline2 (h)");
    expect(annotation(f("a.yml", 0, "info", "yaml", "m"))).toBe("::notice file=a.yml,title=yaml::m");
  });

  it("annotates errors first, at most 10 per severity, then says what was left out and the total", () => {
    const many = [...Array.from({ length: 12 }, (_, i) => f("a.yml", i + 1, "warning", "length", `w${i}`)), ...Array.from({ length: 11 }, (_, i) => f("z.yml", i + 1, "error", "pii", `e${i}`))];
    const lines = formatGithub(many, totals).trimEnd().split("\n");
    expect(lines.slice(0, 10).every((l) => l.startsWith("::error "))).toBe(true);
    expect(lines.slice(10, 20).every((l) => l.startsWith("::warning "))).toBe(true);
    expect(lines[20]).toBe("(1 more error, 2 more warnings not annotated; run 'cognigy-nlu validate' for the full list)");
    expect(lines[21]).toBe(summaryLine(totals));
    expect(lines).toHaveLength(22);
  });
});
