import { describe, expect, it } from "vitest";
import { maskPii } from "../../src/checks/pii.js";
import { Redactor, secretForms } from "../../src/report/redact.js";

const KEY = "ck_live_9f8e7d6c5b4a3f2e1d0c";

describe("Redactor", () => {
  it("removes a secret in plain, URL-encoded, JSON-escaped and base64 forms", () => {
    const secret = "p@ss/wörd+key 42";
    const r = new Redactor({ maskPii: (s) => s });
    r.addSecret(secret);
    const texts = [
      `plain ${secret} end`,
      `query ?key=${encodeURIComponent(secret)}&x=1`,
      `form key=${encodeURIComponent(secret).replace(/%20/g, "+")}`,
      `json ${JSON.stringify({ k: secret })}`,
      `b64 ${Buffer.from(secret).toString("base64")}`,
      `b64url ${Buffer.from(secret).toString("base64url")}`,
    ];
    for (const t of texts) {
      const out = r.redact(t);
      expect(out).toContain("***");
      expect(out).not.toContain(secret);
      expect(out).not.toContain(encodeURIComponent(secret));
      expect(out).not.toContain(Buffer.from(secret).toString("base64").slice(0, 12));
    }
  });

  it("finds the secret inside a longer base64 string at any byte alignment (Basic auth)", () => {
    const r = new Redactor({ maskPii: (s) => s });
    r.addSecret(KEY);
    for (const user of ["u", "us", "usr", "user"]) {
      const header = Buffer.from(`${user}:${KEY}`).toString("base64");
      const out = r.redact(`Authorization: Basic ${header}`);
      expect(out).toContain("***");
      // whatever is left cannot be decoded back to the key
      const left = out.replace("Authorization: Basic ", "").replace("***", "");
      expect(Buffer.from(left, "base64").toString("latin1")).not.toContain(KEY.slice(4, -4));
    }
  });

  it("ignores empty and short secrets and still masks longer ones first", () => {
    const r = new Redactor({ maskPii: (s) => s });
    r.addSecret("");
    r.addSecret("abc");
    r.addSecret(undefined);
    expect(r.hasSecrets).toBe(false);
    expect(r.redact("abc abc")).toBe("abc abc");
    r.addSecret("abcd");
    r.addSecret("abcdefgh");
    expect(r.redact("xabcdefghx abcd")).toBe("x***x ***");
  });

  it("escapes regex metacharacters in secrets", () => {
    const r = new Redactor({ maskPii: (s) => s });
    r.addSecret("a.b*c(d)");
    expect(r.redact("a.b*c(d) aXb*c(d)")).toBe("*** aXb*c(d)");
  });

  it("masks PII after secrets, with the injected masker", () => {
    const r = new Redactor({ maskPii: (s) => s.replace(/\S+@\S+/g, "[email]") });
    r.addSecret(KEY);
    expect(r.redact(`mail jane@example.com key ${KEY}`)).toBe("mail [email] key ***");
    expect(r.redactSecrets(`mail jane@example.com key ${KEY}`)).toBe("mail jane@example.com key ***");
  });

  it("uses maskPii from src/checks/pii.ts by default", () => {
    const r = new Redactor();
    const text = "call +49 170 1234567 or mail jane.doe@example.com";
    expect(r.redact(text)).toBe(maskPii(text));
  });

  it("redactDeep masks strings and keys, leaves numbers, and spares machine values from PII detection", () => {
    const r = new Redactor({ maskPii: (s) => s.replace(/\d{6,}/g, "[digits]") });
    r.addSecret(KEY);
    const input = {
      n: 3,
      ok: true,
      none: null,
      skip: undefined,
      commit: "1234567890abcdef",
      startedAt: "2025-01-01T00:00:00.000Z",
      message: `id 12345678 key ${KEY}`,
      nested: [{ [`k ${KEY}`]: `x ${KEY}` }],
    };
    const out = r.redactDeep(input);
    expect(out).toEqual({
      n: 3,
      ok: true,
      none: null,
      commit: "1234567890abcdef",
      startedAt: "2025-01-01T00:00:00.000Z",
      message: "id [digits] key ***",
      nested: [{ "k ***": "x ***" }],
    });
    expect(input.message).toContain(KEY); // not mutated
  });

  it("secretForms lists the encodings it masks", () => {
    const forms = secretForms("a b/c");
    expect(forms).toContain("a b/c");
    expect(forms).toContain("a%20b%2Fc");
    expect(forms).toContain(Buffer.from("a b/c").toString("base64"));
  });

  it("allow() spares an allowed string from PII masking, and only its occurrences", () => {
    const r = new Redactor();
    const base = "http://203.0.113.7:8080";
    expect(r.redact(`GET ${base}/api`)).toBe("GET http://***.***.***.***:8080/api");
    r.allow(base);
    expect(r.redact(`GET ${base}/api from 203.0.113.7, call 0176 1234567`)).toBe(`GET ${base}/api from ***.***.***.***, call **** *****67`);
    expect(r.redactDeep({ message: `to ${base}`, [`${base} key`]: 1 })).toEqual({ message: `to ${base}`, [`${base} key`]: 1 });
  });

  it("still masks secrets inside allowed strings, whether registered before or after allow()", () => {
    const before = new Redactor();
    before.addSecret(KEY);
    before.allow(`http://203.0.113.7:8080/hook/${KEY}`);
    const after = new Redactor();
    after.allow(`http://203.0.113.7:8080/hook/${KEY}`);
    after.addSecret(KEY);
    for (const r of [before, after]) {
      const out = r.redact(`posting to http://203.0.113.7:8080/hook/${KEY} now`);
      expect(out).toBe("posting to http://203.0.113.7:8080/hook/*** now");
      expect(r.redactDeep({ url: `http://203.0.113.7:8080/hook/${KEY}` })).toEqual({ url: "http://203.0.113.7:8080/hook/***" });
    }
  });

  it("hands the injected masker the allowed strings with secrets already removed", () => {
    const seen: unknown[] = [];
    const r = new Redactor({
      maskPii: (s, opts) => {
        seen.push(opts?.allow ? [...opts.allow] : undefined);
        return s;
      },
    });
    r.addSecret(KEY);
    r.allow("");
    r.allow("   ");
    r.allow(undefined);
    r.redact("one");
    r.allow(`name-${KEY}`);
    r.allow(`name-${KEY}`);
    r.redact("two");
    expect(seen).toEqual([undefined, ["name-***"]]);
  });

  it("by default leaves the tool's own machine values alone: snapshot names, digests, local URLs, times", () => {
    const r = new Redactor();
    const lines = [
      "created snapshot cognigy-nlu-backup-demo-20261123104025",
      "sha256 e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
      "webhook to http://127.0.0.1:46147/hook answered 500",
      "emulator at http://127.0.0.1:46147 (v1.2.3), took 123456789 ms at 2025-01-31T12:34:56.789Z",
    ];
    for (const l of lines) expect(r.redact(l)).toBe(l);
    expect(r.redact("user wrote: call +49 170 1234567")).toBe("user wrote: call +** *** *****67");
  });
});
