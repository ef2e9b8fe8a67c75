import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts", "src/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: "forks",
    maxWorkers: 2,
    // @actions/workflow-parser imports its JSON schemas without `with { type: "json" }`: let vite load it
    server: { deps: { inline: ["@actions/workflow-parser"] } },
    reporters: process.env.CI ? ["default", ["json", { outputFile: process.env.VITEST_JSON_OUT ?? "test-results.json" }]] : ["default"],
  },
});
