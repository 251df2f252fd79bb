import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: { conditions: ["@keystroke/source"] },
  ssr: { resolve: { conditions: ["@keystroke/source"] } },
  test: {
    include: ["packages/*/src/**/*.test.ts", "tests/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
    reporters: ["default", "./tests/plain-summary-reporter.ts"],
  },
});
