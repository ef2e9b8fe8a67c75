import { describe, expect, it } from "vitest";
import { grouped } from "../../src/text/number.js";

describe("grouped", () => {
  it("writes integers as toLocaleString('en-US') does", () => {
    for (const n of [0, 7, 999, 1000, 1001, 12345, 999999, 1000000, 1234567, -1, -999, -1000, -1234567, Number.MAX_SAFE_INTEGER]) {
      expect(grouped(n)).toBe(n.toLocaleString("en-US"));
    }
    expect(grouped(1234567)).toBe("1,234,567");
    expect(grouped(-1000)).toBe("-1,000");
  });
  it("hands other numbers to ICU", () => {
    for (const n of [1.5, -2345.25, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 60]) expect(grouped(n)).toBe(n.toLocaleString("en-US"));
  });
});
