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
