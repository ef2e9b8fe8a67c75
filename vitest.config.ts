import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts", "src/**/*.test.ts"],
    // hang protection only, generous enough for a loaded 2-core machine (.ci/run runs the suite once under a CPU hog):
    // no test bounds speed (speed is measured in bench/ as ratios against a baseline of the same run)
    testTimeout: 300_000,
    hookTimeout: 300_000,
    pool: "forks",
    maxWorkers: 2,
    reporters: process.env.CI ? ["default", ["json", { outputFile: process.env.VITEST_JSON_OUT ?? "test-results.json" }]] : ["default"],
  },
});
