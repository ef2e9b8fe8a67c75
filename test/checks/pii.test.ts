import { createHash, randomUUID } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { findPii, ibanValid, maskPii } from "../../src/checks/pii.js";
import { piiFindings } from "../../src/checks/pii.js";
import { viewOf } from "../../src/checks/view.js";
import { dataset } from "./build.js";

const kinds = (s: string) => findPii(s).map((m) => [m.kind, s.slice(m.start, m.end), m.masked]);

describe("PII detection and masking", () => {
  it("finds e-mail addresses and masks them as j***@e***.com", () => {
    expect(kinds("mail john@example.com please")).toEqual([["email", "john@example.com", "j***@e***.com"]]);
    expect(maskPii("to a.b+c@mail.example.co.uk!")).toBe("to a***@m***.uk!");
  });

  it("finds Luhn-valid payment cards only, showing the last four digits", () => {
    expect(kinds("card 4111 1111 1111 1111 ok")).toEqual([["card", "4111 1111 1111 1111", "**** **** **** 1111"]]);
    expect(kinds("card 4111-1111-1111-1111")[0][0]).toBe("card");
    expect(kinds("number 4111 1111 1111 1112").map((k) => k[0])).not.toContain("card");
  });

  it("finds IBANs by the mod-97 check", () => {
    expect(ibanValid("DE89370400440532013000")).toBe(true);
    expect(ibanValid("DE89370400440532013001")).toBe(false);
    expect(kinds("pay to DE89 3704 0044 0532 0130 00 please")).toEqual([["iban", "DE89 3704 0044 0532 0130 00", "DE** **** **** 00"]]);
    expect(kinds("GB82WEST12345698765432")[0]).toEqual(["iban", "GB82WEST12345698765432", "GB** **** **** 32"]);
  });

  it("finds phone numbers but not dates, times, amounts or small numbers", () => {
    expect(kinds("call +49 170 1234567")).toEqual([["phone", "+49 170 1234567", "+** *** *****67"]]);
    expect(kinds("call (555) 123-4567 now")[0][0]).toBe("phone");
    expect(kinds("ring 0176 1234567")[0][0]).toBe("phone");
    for (const s of ["on 2024-05-17", "at 19:30", "costs 1,299.00", "pi is 3.14159265", "table for 4 at 7", "12.05.2024"]) expect(kinds(s)).toEqual([]);
  });

  it("finds IPv4 and IPv6 addresses and long digit runs", () => {
    expect(kinds("server 192.168.0.12.")).toEqual([["ip", "192.168.0.12", "***.***.***.***"]]);
    expect(kinds("host 2001:db8::ff00:42:8329")[0]).toEqual(["ip", "2001:db8::ff00:42:8329", "****:***::****:**:****"]);
    expect(kinds("at 10:30:45")).toEqual([]);
    expect(kinds("customer 1234567890123")[0]).toEqual(["digits", "1234567890123", "***********23"]);
  });

  it("masks every match in place and leaves other text alone", () => {
    expect(maskPii("no personal data here")).toBe("no personal data here");
    expect(maskPii("a@b.de and 4111111111111111")).toBe("a***@b***.de and **** **** **** 1111");
  });

  it("reports one pii finding per utterance, never the value in the clear", () => {
    const ds = dataset({ a: { examples: ["send it to jane@example.org", "fine"], tests: ["my IBAN is DE89370400440532013000"] } });
    const f = piiFindings(viewOf(ds.flows[0]));
    expect(f.map((x) => [x.rule, x.severity, x.line])).toEqual([
      ["pii", "error", 3],
      ["pii", "error", 6],
    ]);
    const text = JSON.stringify(f);
    expect(text).not.toContain("jane@");
    expect(text).not.toContain("DE8937");
    for (const x of f) expect(findPii(`${x.message} ${x.hint}`)).toEqual([]);
  });
});

/** Texts that must come out of maskPii unchanged. */
const unchanged = (texts: string[]) => expect(texts.map((t) => [t, maskPii(t)])).toEqual(texts.map((t) => [t, t]));

describe("PII false positives: machine values are not personal data", () => {
  it("leaves 12/14-digit and T-separated timestamps that are real dates in 2000-2099 alone", () => {
    unchanged([
      "cognigy-nlu-backup-demo-20261123104025",
      "snapshot 20261123104025 created",
      "at 202611231040",
      "backup-20261123T104025",
      "backup 20261123T1040Z done",
      "cognigy-nlu-backup-2000-01-01T000000Z-g1a2b3c4",
    ]);
    // not a real date/time, outside 2000-2099, or 13 digits: still a long number
    for (const s of ["id 202613231040", "id 20261131104025", "id 20261123244025", "id 19991123104025", "id 2026112310402"]) {
      expect(findPii(s).map((m) => m.kind)).toEqual(["digits"]);
    }
  });

  it("never masks SHA-256 digests, SHA-1 commits or Mongo ObjectIds, whatever their digits", () => {
    const hex = fc.uint8Array({ minLength: 32, maxLength: 32 });
    fc.assert(
      fc.property(hex, (bytes) => {
        const sha256 = createHash("sha256").update(bytes).digest("hex");
        const sha1 = Buffer.from(bytes.slice(0, 20)).toString("hex");
        const objectId = `674a3f10${Buffer.from(bytes.slice(0, 8)).toString("hex")}`; // a creation time, then random
        for (const t of [`sha256 ${sha256}`, `sha256:${sha256.toUpperCase()}.`, `commit ${sha1} (${sha1.slice(0, 7)})`, `intent ${objectId} updated`]) {
          expect(maskPii(t)).toBe(t);
        }
      }),
      { numRuns: 300 },
    );
    unchanged([`file ${"1234567890".repeat(6)}1234 ok`, `commit ${"0".repeat(40)}`, "commit 1a2b3c4d5e6f7890123456789abcdef012345678", "tag g1234567"]);
  });

  it("leaves UUIDs, ISO 8601 date-times and other calendar dates alone", () => {
    unchanged([
      "flow 123e4567-e89b-12d3-1234-426614174000",
      `flow ${randomUUID()}`,
      "started 2025-01-31T12:34:56.789Z",
      "at 2025-01-31T12:34:56+01:00 and 2026-11-23 10:40:25",
      "on 12.05.2024 19:30",
      "on 2024/05/17 10:30",
      "due 05/17/2024",
    ]);
  });

  it("leaves version strings and durations or sizes with a unit alone", () => {
    unchanged(["cognigy-nlu 1.2.3", "node v20.11.1", "calver 2024.11.1234567", "build 1.0.20241123", "rc 10.2.3-beta.1", "v1.2.3.4"]);
    unchanged(["took 123 ms", "took 123456789 ms", "uploaded 1234567890 bytes", "waited 1234567890 s", "3.141592653589"]);
  });

  it("leaves loopback, private and unspecified addresses alone when they are the host of an http(s) URL", () => {
    unchanged([
      "posting webhook to http://127.0.0.1:46147/hook",
      "emulator at http://127.0.0.1:46147",
      "listening on http://0.0.0.0:3000 and https://[::1]:8443/x",
      "proxy http://user@192.168.1.5:8080, mirror http://10.1.2.3/ and http://172.16.0.9",
      "https://[fd00::1]:443/",
    ]);
  });
});

describe("PII true positives next to machine values", () => {
  it("still masks public addresses in URLs and any address outside a URL", () => {
    expect(maskPii("webhook to http://8.8.8.8/hook")).toBe("webhook to http://***.***.***.***/hook");
    expect(maskPii("host http://[2001:db8::1]:80/")).toBe("host http://[****:***::*]:80/");
    expect(maskPii("server 10.1.2.3:46147")).toBe("server ***.***.***.***:46147");
    // A loopback address is nobody's data: readable anywhere (#16: "ECONNREFUSED 127.0.0.1:29999").
    expect(maskPii("connect ECONNREFUSED 127.0.0.1:29999")).toBe("connect ECONNREFUSED 127.0.0.1:29999");
    expect(maskPii("version 1.2.3.4")).toBe("version ***.***.***.***");
  });

  it("still finds phone numbers, cards and long numbers beside dates, versions and cards", () => {
    expect(maskPii("on 12.05.2024 0176 1234567")).toBe("on 12.05.2024 **** *****67");
    expect(maskPii("call 0176 1234567 on 2024-05-17")).toBe("call **** *****67 on 2024-05-17");
    expect(maskPii("at 2026-11-23 10:40 ring +49 170 1234567")).toBe("at 2026-11-23 10:40 ring +** *** *****67");
    expect(maskPii("call 555.123.4567 now")).toBe("call ***.***.**67 now");
    expect(maskPii("v1.2.3 card 4111-1111-1111-1111")).toBe("v1.2.3 card **** **** **** 1111");
    expect(maskPii("pay 4111 1111 1111 1111 234 5678").includes("5678")).toBe(false);
    expect(maskPii("customer 1234567890123 took 5 ms")).toBe("customer ***********23 took 5 ms");
  });

  it("does not count digits glued to letters (token rule)", () => {
    expect(findPii("ref abc1234567890")).toEqual([]);
    expect(findPii("ref abc-1234567890").map((m) => m.kind)).toEqual(["digits"]);
  });
});

describe("PII allow-list", () => {
  it("spares matches lying inside an allowed string, not those straddling it", () => {
    const url = "http://203.0.113.7:8080";
    expect(maskPii(`GET ${url}/x from 203.0.113.7`, { allow: [url] })).toBe(`GET ${url}/x from ***.***.***.***`);
    expect(maskPii(`call 0176 1234567`, { allow: ["0176 12"] })).toBe("call **** *****67");
    expect(maskPii("nothing to allow 0176 1234567", { allow: [""] })).toBe("nothing to allow **** *****67");
  });
});

describe("maskPii properties", () => {
  const pieces = fc.oneof(
    fc.constantFrom(" ", "-", ".", "+", "(", ")", ":", "/", "@", "T", "Z", " ms", "x", "DE89", "http://", "[", "]", "::", "_", "*", "v", ",", "00", "0", "20261123"),
    fc.integer({ min: 0, max: 99_999_999 }).map(String),
    fc.stringMatching(/^[0-9a-f]{1,12}$/),
    fc.string({ maxLength: 4 }),
  );
  const digitHeavy = fc.array(pieces, { maxLength: 30 }).map((a) => a.join(""));

  it("is idempotent and never throws, on arbitrary and on digit-heavy strings", () => {
    for (const arb of [fc.string({ maxLength: 120, unit: "binary" }), digitHeavy]) {
      fc.assert(
        fc.property(arb, (s) => {
          const once = maskPii(s);
          expect(maskPii(once)).toBe(once);
          expect(findPii(once)).toEqual([]);
        }),
        { numRuns: 1500 },
      );
    }
  });

  it("only ever removes digits, never adds any", () => {
    const digits = (s: string) => s.replace(/\D/g, "").length;
    fc.assert(
      fc.property(digitHeavy, (s) => {
        expect(digits(maskPii(s))).toBeLessThanOrEqual(digits(s));
      }),
      { numRuns: 1000 },
    );
  });
});
