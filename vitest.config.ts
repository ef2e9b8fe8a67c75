import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts", "src/**/*.test.ts"],
    // hang protection only, generous enough for a loaded 2-core machine (.ci/run runs the suite once under a CPU hog):
    // no test bounds speed (speed is measured in bench/ as ratios against a baseline of the same run)
    testTimeout: 300_000,
    hookTimeout: 300_000,
    pool: "forks",
    // one temp folder per run, removed at the end (test/setup/temp-root.ts)
    globalSetup: ["test/setup/temp-root.ts"],
    maxWorkers: 2,
    // @actions/workflow-parser imports its JSON schemas without `with { type: "json" }`: let vite load it
    server: { deps: { inline: ["@actions/workflow-parser"] } },
    reporters: process.env.CI ? ["default", ["json", { outputFile: process.env.VITEST_JSON_OUT ?? "test-results.json" }]] : ["default"],
  },
});
