// @cognigy/rest-api-client is under the Cognigy Proprietary License: a devDependency for the contract tests, whose types
// the client imports with `import type` only. No bundle of the Action / CLI may contain any of it.
import { readFileSync } from "node:fs";
import { build } from "esbuild";
import { describe, expect, it } from "vitest";

describe("the official client stays out of the bundle", () => {
  it("is a pinned devDependency, never a dependency", () => {
    const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8"));
    expect(pkg.dependencies?.["@cognigy/rest-api-client"]).toBeUndefined();
    expect(pkg.devDependencies?.["@cognigy/rest-api-client"]).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it("src/ imports it with `import type` only, so esbuild resolves none of its files", async () => {
    const r = await build({
      entryPoints: ["src/cli.ts", "src/index.ts"],
      bundle: true,
      platform: "node",
      format: "esm",
      target: "node20",
      write: false,
      outdir: "out-bundle-check",
      metafile: true,
      logLevel: "silent",
      define: { __VERSION__: '"0.0.0"' },
    });
    const inputs = Object.keys(r.metafile.inputs);
    expect(inputs.some((p) => p.startsWith("src/cognigy/client.ts"))).toBe(true); // the client that declares the types is in
    expect(inputs.filter((p) => p.includes("@cognigy/rest-api-client"))).toEqual([]);
    for (const f of r.outputFiles) expect(f.text.includes("RestAPIClient"), f.path).toBe(false);
  });
});
