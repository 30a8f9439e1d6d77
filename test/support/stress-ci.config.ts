import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

/** Only the short stress variants: `npx vitest run --config test/support/stress-ci.config.ts` (after a build). */
export default defineConfig({
  root: fileURLToPath(new URL("../..", import.meta.url)),
  test: {
    include: ["test/stress/**/*.ci.test.ts"],
    testTimeout: 120_000,
    hookTimeout: 60_000,
    fileParallelism: false,
  },
});
