import { describe, expect, it } from "vitest";
import { parseCsv } from "../../src/dataset/csv.js";

describe("parseCsv", () => {
  it("splits plain rows and fields", () => {
    expect(parseCsv("a,b,c\nd,e,f\n")).toEqual([
      ["a", "b", "c"],
      ["d", "e", "f"],
    ]);
  });

  it("reads quoted fields with delimiters and escaped quotes inside", () => {
    expect(parseCsv('greet,exampleSentence,"hi, there"\nx,"say ""yes""",""')).toEqual([
      ["greet", "exampleSentence", "hi, there"],
      ["x", 'say "yes"', ""],
    ]);
  });

  it("handles CRLF, lone CR and a last line without a line end", () => {
    expect(parseCsv("a,b\r\nc,d\re,f")).toEqual([
      ["a", "b"],
      ["c", "d"],
      ["e", "f"],
    ]);
  });

  it("strips a leading BOM only", () => {
    expect(parseCsv("\uFEFFname,value\nx,\uFEFFy")).toEqual([
      ["name", "value"],
      ["x", "\uFEFFy"],
    ]);
  });

  it("keeps newlines inside quoted fields", () => {
    expect(parseCsv('a,"line one\nline two\r\nline three",b\nc,d,e')).toEqual([
      ["a", "line one\nline two\r\nline three", "b"],
      ["c", "d", "e"],
    ]);
  });

  it("detects ; and tab from the first line, ties go to ,", () => {
    expect(parseCsv("a;b;c,d\n1;2;3,4")).toEqual([
      ["a", "b", "c,d"],
      ["1", "2", "3,4"],
    ]);
    expect(parseCsv("a\tb\n1\t2,5")).toEqual([
      ["a", "b"],
      ["1", "2,5"],
    ]);
    expect(parseCsv("a;b,c\n1;2,3")).toEqual([
      ["a;b", "c"],
      ["1;2", "3"],
    ]);
  });

  it("restricts detection to the given candidates, or uses a given delimiter", () => {
    expect(parseCsv("a\tb\tc;d\n1\t2\t3;4", [",", ";"])).toEqual([
      ["a\tb\tc", "d"],
      ["1\t2\t3", "4"],
    ]);
    expect(parseCsv("a;b;c,d", ",")).toEqual([["a;b;c", "d"]]);
  });

  it("drops rows whose fields are all empty but keeps whitespace-only ones", () => {
    expect(parseCsv("a,b\n\n,\r\n \nc,d\n\n")).toEqual([["a", "b"], [" "], ["c", "d"]]);
    expect(parseCsv("")).toEqual([]);
  });
});
