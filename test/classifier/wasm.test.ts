// The committed WebAssembly kernel is what its generator makes (as the JSON Schemas are checked against zod).
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { sgdWasmModule } from "../../scripts/gen-sgd-wasm.js";

describe("src/classifier/sgd-wasm.ts", () => {
  it("is up to date with scripts/gen-sgd-wasm.ts (npm run wasm)", async () => {
    const committed = readFileSync(new URL("../../src/classifier/sgd-wasm.ts", import.meta.url), "utf8");
    expect(committed).toBe(await sgdWasmModule());
  });
});
