// The shared classifier (src/classifier): deterministic training in any emulator instance and insertion order, the
// `score` shape, and serialisation.
import { describe, expect, it } from "vitest";
import { Classifier, fitClassifierSync, type LabeledText, mulberry32, trainingSeed } from "../../src/classifier/index.js";
import { loadAndTrain, SMALL, start } from "../emulator/helpers.js";
import { classifierLabels, ModelService } from "../../src/emulator/models.js";
import type { ModelRec } from "../../src/emulator/state.js";

// Two intents share a sentence ("cancel it please" in CancelOrder and ChangeOrder): the classifier orders same-text
// examples by label, so with random referenceIds as labels the fit depended on the ids.
const DATA: Record<string, string[]> = {
  ...SMALL,
  ChangeOrder: ["change my order", "can I change the pizza", "swap the toppings on my order", "cancel it please", "modify the order", "add olives to my order"],
  CancelOrder: [...SMALL.CancelOrder, "cancel it please"],
};
const PROBES = ["cancel it please", "cancel my pizza", "change it please", "are you open late", "one pepperoni", "tell me a joke"];

function randomId(rnd: () => number): string {
  return Array.from({ length: 24 }, () => "0123456789abcdef"[Math.floor(rnd() * 16)]).join("");
}

/** A model record as the emulator captures it: random referenceIds as labels, examples in some insertion order. */
function modelRec(data: Record<string, string[]>, seed: number, shuffle: boolean): ModelRec {
  const rnd = mulberry32(seed);
  const intents = Object.keys(data).map((name) => ({
    referenceId: randomId(rnd),
    name,
    description: "",
    isRejectIntent: false,
    confirmationSentences: [],
    disambiguationSentence: "",
  }));
  let examples = intents.flatMap((i) => data[i.name].map((text) => ({ label: i.referenceId, text })));
  if (shuffle) examples = examples.map((e) => ({ e, k: rnd() })).sort((a, b) => a.k - b.k).map((x) => x.e);
  return { flowId: "f", localeId: "l", trainedAt: 0, taskId: "t", hash: `h${seed}`, intents, examples };
}

async function scoresOf(rec: ModelRec): Promise<Record<string, number>[]> {
  const svc = new ModelService();
  const out: Record<string, number>[] = [];
  for (const p of PROBES) out.push(Object.fromEntries((await svc.score(rec, "ref", p)).map((s) => [s.name, s.score])));
  return out;
}

describe("deterministic training", () => {
  it("the same data gives the same scores whatever the referenceIds and the insertion order", async () => {
    const first = await scoresOf(modelRec(DATA, 1, false));
    for (let seed = 2; seed <= 6; seed++) expect(await scoresOf(modelRec(DATA, seed, seed % 2 === 0))).toEqual(first);
  });

  it("the classifier's labels are intent names; intents sharing a name are told apart by their sentences, not their ids", () => {
    const rec = modelRec({ A: ["x one", "x two"], B: ["y"] }, 3, false);
    expect([...classifierLabels(rec).values()].sort()).toEqual(["A", "B"]);
    const twin = modelRec({ A: ["x one"], B: ["y"] }, 4, false);
    twin.intents[1].name = "A";
    const other = modelRec({ A: ["x one"], B: ["y"] }, 5, false);
    other.intents[1].name = "A";
    const labels = (r: ModelRec) => r.intents.map((i) => classifierLabels(r).get(i.referenceId));
    expect(labels(twin)).toEqual(labels(other));
    expect(new Set(labels(twin)).size).toBe(2);
  });

  it("two emulator instances fit the same model from the same data (a sentence shared by two intents included)", async () => {
    const a = await start();
    const b = await start();
    try {
      const reversed = Object.fromEntries(Object.entries(DATA).reverse().map(([k, v]) => [k, [...v].reverse()]));
      const scores = async (api: typeof a, data: Record<string, string[]>) => {
        const ids = await loadAndTrain(api, data);
        const out: Record<string, number>[] = [];
        for (const sentence of PROBES) {
          const r = await api.ok("POST", `/projects/${ids.projectId}/nlu/scores`, { flowReferenceId: ids.flowRef, localeReferenceId: ids.localeRef, sentence });
          out.push(Object.fromEntries(r.map((x: { name: string; score: number }) => [x.name, x.score])));
        }
        return out;
      };
      const sa = await scores(a, DATA);
      expect(await scores(b, reversed)).toEqual(sa);
      expect(Object.keys(sa[0]).sort()).toEqual(["CancelOrder", "ChangeOrder", "OpeningHours", "OrderPizza"]);
    } finally {
      await a.emu.close();
      await b.emu.close();
    }
  });

  it("the seed depends on the texts only, not their order", () => {
    const xs = [{ text: "b" }, { text: "a" }, { text: "c" }];
    expect(trainingSeed(xs)).toBe(trainingSeed([...xs].reverse()));
    expect(trainingSeed(xs)).not.toBe(trainingSeed([{ text: "a" }, { text: "b" }]));
  });
});

describe("classifier API", () => {
  const small: LabeledText[] = Object.entries(SMALL).flatMap(([label, ex]) => ex.map((text) => ({ text, label })));

  it("score() gives { name, score } best first, as Cognigy's nlu/scores", () => {
    const c = fitClassifierSync(small);
    const s = c.score("I'd like to order a pizza");
    expect(s[0].name).toBe("OrderPizza");
    expect(s.map((x) => x.name).sort()).toEqual(["CancelOrder", "OpeningHours", "OrderPizza"]);
    expect(s.map((x) => x.score)).toEqual(c.predict("I'd like to order a pizza").map((x) => x.score));
  });

  it("serialises to JSON and back to the same scores", () => {
    const c = fitClassifierSync(small, { temperature: 0.7 });
    const json = JSON.parse(JSON.stringify(c.toJSON()));
    const back = Classifier.fromJSON(json);
    for (const p of ["cancel my pizza", "when do you open", "", "what is the capital of mongolia"]) expect(back.predict(p)).toEqual(c.predict(p));
    expect(back.featureCount).toBe(c.featureCount);
    expect(() => Classifier.fromJSON({ ...json, version: 2 })).toThrow(/version 1/);
    expect(() => Classifier.fromJSON({ ...json, bias: json.idf })).toThrow(/inconsistent/);
  });
});
