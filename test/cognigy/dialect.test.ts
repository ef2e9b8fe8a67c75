// The batch sentence dialect (cognigy-api.md §18): the client sends the official form {text, slots, localeReference};
// a server that wants {localeId} answers 400 naming the field, the client retries once in that form and keeps it.
import { afterEach, describe, expect, it } from "vitest";
import { CognigyApiError, CognigyClient } from "../../src/cognigy/index.js";
import { configSchema } from "../../src/config/schema.js";
import { type Emulator, type SentenceDialect, startEmulator } from "../../src/emulator/index.js";
import { RecordingLogger } from "../../src/logger.js";
import { KEY } from "./helpers.js";

const open: Emulator[] = [];
afterEach(async () => {
  while (open.length) await open.pop()?.close();
});

async function setup(dialect: SentenceDialect) {
  const seed = configSchema.parse({
    cognigy: { baseUrl: "http://127.0.0.1:9", project: "Dialect Bot" },
    flows: [{ name: "Main", dir: "data/main", locales: { "en-US": "en-US" }, defaultLocale: "en-US" }],
  });
  const emu = await startEmulator({ apiKey: KEY, seed, rateLimit: 0, taskDelayMs: 5, sentenceDialect: dialect });
  open.push(emu);
  const logger = new RecordingLogger();
  const c = new CognigyClient({ baseUrl: emu.url, apiKey: KEY, rateLimit: 0, logger, sleep: async () => {} });
  const project = await c.resolveProject("Dialect Bot");
  const flow = await c.resolveFlow(project._id, "Main");
  const locale = await c.resolveLocale(project._id, "en-US");
  const intent = await c.createIntent(flow._id, { name: "Greet" });
  const sentenceBatches = () => emu.requestLog.filter((e) => e.method === "PATCH" && e.path.endsWith("/sentences"));
  return { emu, c, logger, flow, locale, intent, sentenceBatches };
}

describe("batch sentence dialect", () => {
  it("a server taking the typed form: one call, dialect confirmed, body {text, slots, localeReference}", async () => {
    const t = await setup("localeReference");
    expect(t.c.sentenceDialect()).toEqual({ dialect: "localeReference", source: "assumed" });
    const r = await t.c.batchSentences(t.flow._id, t.intent._id, [{ op: "create", value: { text: "hello", localeId: t.locale._id } }]);
    expect(r.created).toHaveLength(1);
    expect(t.sentenceBatches()).toHaveLength(1);
    expect(JSON.parse(t.sentenceBatches()[0]!.requestBody)).toEqual({ operations: [{ op: "create", value: { text: "hello", slots: [], localeReference: t.locale._id } }] });
    expect(t.c.sentenceDialect()).toEqual({ dialect: "localeReference", source: "confirmed" });
  });

  it("a server wanting localeId: 400 naming the field → one retry in that form, remembered for the run", async () => {
    const t = await setup("localeId");
    const first = await t.c.batchSentences(t.flow._id, t.intent._id, [
      { op: "create", value: { text: "hello", localeId: t.locale._id } },
      { op: "create", value: { text: "hi there", localeId: t.locale._id } },
    ]);
    expect(first.created).toHaveLength(2);
    const calls = t.sentenceBatches();
    expect(calls.map((e) => e.status)).toEqual([400, 200]);
    expect(calls[0]!.responseBody).toContain("localeReference");
    expect(JSON.parse(calls[1]!.requestBody).operations[0].value).toEqual({ text: "hello", slots: [], localeId: t.locale._id });
    expect(t.c.sentenceDialect()).toEqual({ dialect: "localeId", source: "learned" });
    expect(t.logger.text()).toMatch(/retrying once with \{text, slots, localeId\}/);
    // the next batch goes straight to the learned form
    await t.c.batchSentences(t.flow._id, t.intent._id, [{ op: "create", value: { text: "good morning", localeId: t.locale._id } }]);
    expect(t.sentenceBatches().map((e) => e.status)).toEqual([400, 200, 200]);
    const texts = (await t.c.listSentences(t.flow._id, t.intent._id, { localeId: t.locale._id })).map((s) => s.text).sort();
    expect(texts).toEqual(["good morning", "hello", "hi there"]);
  });

  it("a 400 that does not name a locale field is not retried", async () => {
    const t = await setup("localeReference");
    const err = await t.c.batchSentences(t.flow._id, t.intent._id, [{ op: "create", value: { text: "", localeId: t.locale._id } }]).catch((e) => e);
    expect(err).toBeInstanceOf(CognigyApiError);
    expect((err as CognigyApiError).status).toBe(400);
    expect(t.sentenceBatches()).toHaveLength(1);
    expect(t.c.sentenceDialect().dialect).toBe("localeReference");
  });
});
