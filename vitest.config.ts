import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // The stress suite's short variants (*.ci.test.ts) run here; the long ones in `npm run test:stress`.
    exclude: ["test/stress/**/!(*.ci).test.ts", "node_modules/**"],
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
});
