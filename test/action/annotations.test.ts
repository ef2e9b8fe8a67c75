// Annotations: most important first, at most 10 per level per step, the rest counted in one notice.
import { describe, expect, it } from "vitest";
import { compareFindings, emitAnnotations, planAnnotations } from "../../src/action/annotations.js";
import type { Finding } from "../../src/checks/types.js";

const f = (severity: Finding["severity"], rule: Finding["rule"], file: string, line: number, message = `${rule} at ${file}:${line}`): Finding => ({ severity, rule, file, line, column: 3, message });

function recorder() {
  const calls: { level: string; message: string; props: unknown }[] = [];
  const c = {
    error: (m: string | Error, p?: unknown) => void calls.push({ level: "error", message: String(m), props: p }),
    warning: (m: string | Error, p?: unknown) => void calls.push({ level: "warning", message: String(m), props: p }),
    notice: (m: string | Error, p?: unknown) => void calls.push({ level: "notice", message: String(m), props: p }),
  };
  return { c, calls };
}

describe("annotations", () => {
  it("orders by severity, then rule importance, then file and line", () => {
    const list = [
      f("info", "near-duplicate-within", "a.yml", 1),
      f("warning", "imbalance", "a.yml", 1),
      f("error", "pii", "b.yml", 9),
      f("error", "yaml", "z.yml", 2),
      f("error", "pii", "b.yml", 3),
    ];
    const sorted = [...list].sort(compareFindings).map((x) => `${x.severity}:${x.rule}:${x.line}`);
    expect(sorted).toEqual(["error:yaml:2", "error:pii:3", "error:pii:9", "warning:imbalance:1", "info:near-duplicate-within:1"]);
  });

  it("emits at most 10 per level and counts the rest in one notice", () => {
    const list: Finding[] = [];
    for (let i = 1; i <= 14; i++) list.push(f("error", "duplicate-across", "intents/x.yml", i));
    for (let i = 1; i <= 12; i++) list.push(f("warning", "imbalance", "intents/y.yml", i));
    for (let i = 1; i <= 11; i++) list.push(f("info", "near-duplicate-within", "intents/z.yml", i));
    const plan = planAnnotations(list);
    const { c, calls } = recorder();
    emitAnnotations(c, plan);
    const by = (l: string) => calls.filter((x) => x.level === l);
    expect(by("error")).toHaveLength(10);
    expect(by("warning")).toHaveLength(10);
    expect(by("notice")).toHaveLength(10); // 9 findings + the "more" notice
    expect(by("error").map((x) => (x.props as { startLine: number }).startLine)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(plan.omitted).toBe(4 + 2 + 2);
    expect(calls.at(-1)!.message).toBe("8 more findings in the report artifact (report.json / report.html)");
  });

  it("leaves room for the step's other annotations", () => {
    const list = Array.from({ length: 10 }, (_, i) => f("info", "near-duplicate-within", "z.yml", i + 1));
    list.push(...Array.from({ length: 10 }, (_, i) => f("error", "pii", "p.yml", i + 1)));
    const plan = planAnnotations(list, { used: { notice: 3, error: 1 } });
    const { c, calls } = recorder();
    emitAnnotations(c, plan);
    expect(calls.filter((x) => x.level === "notice")).toHaveLength(7); // 6 findings + 1 "more" = 10 - 3 used elsewhere
    expect(calls.filter((x) => x.level === "error")).toHaveLength(9); // one error kept for the failure message
    expect(plan.omitted).toBe(4 + 1);
  });

  it("puts the finding at its file, line and column; whole-file findings get no line", () => {
    const plan = planAnnotations([{ ...f("error", "schema", "intents/a.yml", 4), hint: "remove the key", intent: "OrderPizza", locale: "en-US" }, f("warning", "missing-tests", "intents/b.yml", 0)]);
    expect(plan.annotations[0]).toEqual({
      level: "error",
      message: "schema at intents/a.yml:4 [OrderPizza / en-US]\nFix: remove the key",
      properties: { title: "cognigy-nlu schema", file: "intents/a.yml", startLine: 4, startColumn: 3 },
    });
    expect(plan.annotations[1].properties).toEqual({ title: "cognigy-nlu missing-tests", file: "intents/b.yml" });
    expect(plan.omitted).toBe(0);
  });

  it("redacts every message", () => {
    const plan = planAnnotations([f("error", "pii", "a.yml", 1, "contains SECRET")], { redact: (s) => s.replace("SECRET", "***") });
    expect(plan.annotations[0].message).toBe("contains ***");
  });
});
