import { defineConfig } from "vitest/config";

/** The stress and fault suite: long, process-heavy, bounded by its own budgets. `npm run test:stress`. */
export default defineConfig({
  test: {
    include: ["test/stress/**/*.test.ts"],
    // The short *.ci.test.ts variants belong to `npm test`; here the full versions run.
    exclude: ["test/stress/**/*.ci.test.ts", "node_modules/**"],
    testTimeout: 300_000,
    hookTimeout: 60_000,
    // One file at a time: the tests measure and kill processes and must not starve each other.
    fileParallelism: false,
    reporters: ["verbose"],
  },
});
