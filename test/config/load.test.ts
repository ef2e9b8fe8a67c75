import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { parseDocument } from "yaml";
import { loadConfig } from "../../src/config/load.js";
import { decodeUtf8 } from "../../src/dataset/files.js";
import { ConfigError } from "../../src/errors.js";
import { CONFIG, makeRepo, type Repo } from "../dataset/repo.js";

let repo: Repo | undefined;
afterEach(() => {
  repo?.remove();
  repo = undefined;
});

/** The ConfigError message loading `config` gives (fails the test when it loads). */
function rejected(config: string | Uint8Array): string {
  repo = makeRepo({ "training-data/main/intents/a.yml": "intent: A\nexamples: [hello there]\n" });
  repo.write("cognigy-nlu.yml", config);
  try {
    loadConfig(join(repo.root, "cognigy-nlu.yml"), repo.root);
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as ConfigError).message;
  } finally {
    repo.remove();
    repo = undefined;
  }
  throw new Error("the config loaded");
}

function loads(config: string | Uint8Array) {
  repo = makeRepo({}, null);
  repo.write("cognigy-nlu.yml", config);
  return loadConfig(join(repo.root, "cognigy-nlu.yml"), repo.root).config;
}

describe("cognigy.baseUrl: http(s) only", () => {
  it.each(["file:///etc/passwd", "'javascript:alert(1)'", "data:text/plain,x", "ftp://example.com", "http:no-slashes", "not a url"])("rejects %s with file:line", (url) => {
    const msg = rejected(CONFIG.replace("http://127.0.0.1:9", url));
    expect(msg).toMatch(/cognigy-nlu\.yml:2:12: cognigy\.baseUrl: expected an http:\/\/ or https:\/\/ URL/);
  });

  it.each(["http://127.0.0.1:9", "https://api-trial.cognigy.ai", "http://[::1]:8080/"])("accepts %s", (url) => {
    expect(loads(CONFIG.replace("http://127.0.0.1:9", url)).cognigy.baseUrl).toBe(url);
  });
});

describe("reserved keys (__proto__, constructor, prototype)", () => {
  it.each([
    ["a locale key", CONFIG.replace("{ en-US: en-US, de-DE: de-DE }", "{ __proto__: en-US, en-US: en-US }"), 7, "__proto__"],
    ["the top level", `${CONFIG}__proto__: {polluted: 1}\n`, 9, "__proto__"],
    ["a nested key", `${CONFIG}checks:\n  rules:\n    constructor: {prototype: {polluted: 1}}\n`, 11, "constructor"],
    ["a key inside a list item", CONFIG.replace("    defaultLocale: en-US", "    defaultLocale: en-US\n    prototype: x"), 9, "prototype"],
  ])("in %s: a ConfigError naming file:line and the key", (_, text, line, key) => {
    const msg = rejected(text);
    expect(msg).toMatch(new RegExp(`^cognigy-nlu\\.yml:${line}:\\d+: '${key}' is not allowed as a key`));
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("yaml's toJS never writes through __proto__ (the guard above runs before it anyway)", () => {
    const js = parseDocument("__proto__: {polluted: 1}\nconstructor: {prototype: {polluted: 2}}\n").toJS() as Record<string, unknown>;
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty("polluted");
    expect(Object.getPrototypeOf(js)).toBe(Object.prototype);
    expect(Object.hasOwn(js, "__proto__")).toBe(true);
  });
});

describe("config encoding", () => {
  it("a defaultLocale must be one of the locales' own keys, not a name every object has (toString, constructor)", () => {
    for (const name of ["toString", "constructor", "hasOwnProperty"]) {
      expect(rejected(CONFIG.replace("defaultLocale: en-US", `defaultLocale: ${name}`))).toMatch(/cognigy-nlu\.yml:\d+:\d+: flows\.0\.defaultLocale: defaultLocale must be one of the keys of locales/);
    }
  });

  it("rejects invalid UTF-8 (never U+FFFD) naming file:line:column", () => {
    const bytes = Buffer.concat([Buffer.from("cognigy:\n  baseUrl: http://127.0.0.1:9\n  project: Caf"), Buffer.from([0xe9]), Buffer.from(CONFIG.slice(CONFIG.indexOf("\nflows:")))]);
    const msg = rejected(bytes);
    expect(msg).toMatch(/^cognigy-nlu\.yml:3:15: not valid UTF-8 \(byte 0xE9\)/);
    expect(msg).not.toContain("\ufffd");
  });

  it("rejects UTF-16 with a clear message and accepts a UTF-8 BOM", () => {
    expect(rejected(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(CONFIG, "utf16le")]))).toMatch(/cognigy-nlu\.yml:1:1: .*UTF-16/);
    expect(loads(`\ufeff${CONFIG}`).cognigy.project).toBe("Test Bot");
  });

  it("decodeUtf8 (shared with the dataset reader) finds the first bad byte's line and column", () => {
    expect(decodeUtf8(Buffer.from("a\nb\n"))).toEqual({ text: "a\nb\n" });
    expect(decodeUtf8(Buffer.from("\ufeffx"))).toEqual({ text: "x" });
    expect(decodeUtf8(Buffer.concat([Buffer.from("ok\nab"), Buffer.from([0xc0, 0xaf])]))).toEqual({ invalid: { offset: 5, line: 2, column: 3 } });
  });
});

describe("a collection used as a key (a PR's config is untrusted)", () => {
  it("is a config error, and the yaml package prints nothing (its warning would carry the key's text to the log)", async () => {
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.message);
    process.on("warning", onWarning);
    try {
      const msg = rejected(`${CONFIG}? ["\u2066\u202e::set-output name=x::y"]\n: 1\n`);
      expect(msg).toMatch(/cognigy-nlu\.yml/);
      await new Promise((r) => setImmediate(r)); // process.emitWarning delivers on a later tick
    } finally {
      process.off("warning", onWarning);
    }
    expect(warnings).toEqual([]);
  });
});
