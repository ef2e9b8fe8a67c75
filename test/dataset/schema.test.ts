import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { jsonSchema } from "../../scripts/gen-schema.js";
import { configSchemas } from "../../src/config/schema.js";
import { datasetSchemas } from "../../src/dataset/schema.js";

// the real zod objects, not the modules' lazy stand-ins (zod keys descriptions by object identity)
const { configSchema } = configSchemas();
const { intentFileSchema, testsFileSchema } = datasetSchemas();

const dir = join(import.meta.dirname, "..", "..", "schema");

describe("the committed JSON Schemas", () => {
  it.each([
    ["cognigy-nlu.schema.json", configSchema],
    ["intent.schema.json", intentFileSchema],
    ["tests.schema.json", testsFileSchema],
  ] as const)("%s is what `npm run schema` generates", (file, schema) => {
    const committed = readFileSync(join(dir, file), "utf8");
    const title = (JSON.parse(committed) as { title: string }).title;
    expect(committed).toBe(jsonSchema({ file, title, schema }));
  });

  it("describes the intent file for editors", () => {
    const s = JSON.parse(readFileSync(join(dir, "intent.schema.json"), "utf8"));
    expect(s.required).toEqual(["intent"]);
    expect(s.additionalProperties).toBe(false);
    expect(Object.keys(s.properties)).toEqual(["$schema", "intent", "description", "tags", "disabled", "reject", "examples", "tests"]);
  });
});
