// cognigy-nlu.yml without zod when it is valid: the generated JSON Schema (schema/cognigy-nlu.schema.json) through the
// fast interpreter, plus the refinements JSON Schema cannot carry. `undefined` = let zod parse it (and word the errors).
import configJson from "../../schema/cognigy-nlu.schema.json" with { type: "json" };
import { fastParse, type JsonSchema } from "./fast-schema.js";
import type { Config } from "./schema.js";

/** The strings the config schema trims (`nameOrId`). test/config/fast-schema.test.ts finds every trim in the zod schema. */
export const CONFIG_TRIMMED: ReadonlySet<string> = new Set(["cognigy.project", "flows.*.name", "promote.endpoints.*"]);

/**
 * `cognigy.baseUrl` (the only `format` in the schema): zod's z.url with protocol /^https?$/ and the no-credentials
 * refinement. True only for a URL both surely accept unchanged: no surrounding whitespace, tab or line break (zod trims
 * and strips them), an explicit http:// or https:// (zod's guard), parsed by the same WHATWG parser.
 */
export function plainHttpUrl(s: string): boolean {
  if (s.trim() !== s || /[\t\n\r]/.test(s) || !/^https?:\/\//i.test(s)) return false;
  let u: URL;
  try {
    u = new URL(s);
  } catch {
    return false;
  }
  return /^https?$/.test(u.protocol.slice(0, -1)) && !u.username && !u.password;
}

/** The parsed, defaulted config when it is certainly valid, exactly as configSchema.parse would return it; else undefined. */
export function fastConfig(data: unknown): Config | undefined {
  const r = fastParse(configJson as JsonSchema, data, { trimmed: CONFIG_TRIMMED, formats: { uri: plainHttpUrl } });
  if (!r) return undefined;
  const config = r.value as Config;
  // the refinements of flowSchema and thresholdSchema (src/config/schema.ts), written the same way (defaultLocale an own
  // key of locales: "toString" is not a locale)
  for (const f of config.flows) {
    if (Object.keys(f.locales).length === 0) return undefined;
    if (!Object.hasOwn(f.locales, f.defaultLocale)) return undefined;
    if (f.threshold && !(f.threshold.lower <= f.threshold.upper)) return undefined;
  }
  return config;
}

/** The gate section's defaults (gateSchema.parse({})), without zod. */
export function defaultGate(): Config["gate"] {
  const gate = (configJson as JsonSchema & { properties: Record<string, JsonSchema> }).properties.gate;
  const r = fastParse(gate, {});
  if (!r) throw new Error("the gate defaults do not parse: regenerate schema/ (npm run schema)");
  return r.value as Config["gate"];
}
