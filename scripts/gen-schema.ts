// Writes the JSON Schemas (schema/*.json) from the zod schemas: npm run schema. CI checks they are up to date.
import { writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { configSchemas } from "../src/config/schema.js";
import { datasetSchemas } from "../src/dataset/schema.js";

const out = join(dirname(fileURLToPath(import.meta.url)), "..", "schema");
const base = "https://raw.githubusercontent.com/cognigy-nlu/cognigy-nlu/main/schema";

// the real zod objects (not the modules' lazy stand-ins: zod keys descriptions by object identity)
const { configSchema } = configSchemas();
const { intentFileSchema, testsFileSchema } = datasetSchemas();

const schemas: { file: string; title: string; schema: z.ZodType }[] = [
  { file: "cognigy-nlu.schema.json", title: "cognigy-nlu.yml: maps training-data folders to Cognigy flows; checks, gate, sync, train and evaluation settings", schema: configSchema },
  { file: "intent.schema.json", title: "One intent: training-data/<flow>/intents/*.yml", schema: intentFileSchema },
  { file: "tests.schema.json", title: "A test set: training-data/<flow>/tests/*.yml", schema: testsFileSchema },
];

/** The JSON Schema text of one zod schema (input side: defaults are optional for the editor). */
export function jsonSchema(s: (typeof schemas)[number]): string {
  const json = z.toJSONSchema(s.schema, { io: "input", unrepresentable: "any" }) as Record<string, unknown>;
  const { $schema, ...rest } = json;
  return `${JSON.stringify({ $schema, $id: `${base}/${s.file}`, title: s.title, ...rest }, null, 2)}\n`;
}

export function generate(): string[] {
  return schemas.map((s) => {
    writeFileSync(join(out, s.file), jsonSchema(s));
    return s.file;
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) console.log(`wrote ${generate().map((f) => `schema/${f}`).join(", ")}`);
