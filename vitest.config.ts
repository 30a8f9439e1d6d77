import { defineConfig } from "vitest/config";

// The store tests that run on every backend, from one definition (test/support/temp-store.ts picks it).
const SHARED_STORE_TESTS = [
  "test/store/*rules*.test.ts",
  "test/store/group-commit.test.ts",
  "test/store/concurrent-redemption.test.ts",
  "test/store/multi-process.test.ts",
  "test/store/audit-feed.test.ts",
  "test/store/owners.test.ts",
  "test/store/setup-code.test.ts",
  "test/store/feed-health.test.ts",
];
// Tests of the PostgreSQL backend itself (faults, the binary, two processes): postgres project only.
const POSTGRES_ONLY = ["test/**/*.pg.test.ts"];

const postgres = process.env["PAIRBOT_TEST_POSTGRES"];
// vitest loads this file more than once in one process: say it once.
if (!postgres && !process.env["VITEST_WORKER_ID"] && !process.env["PAIRBOT_TEST_POSTGRES_SKIP_SAID"]) {
  process.env["PAIRBOT_TEST_POSTGRES_SKIP_SAID"] = "1";
  console.info("PostgreSQL store tests skipped: set PAIRBOT_TEST_POSTGRES=postgres://postgres@127.0.0.1:5432/postgres (a server where that user may create databases) to run them.");
}

export default defineConfig({
  test: {
    testTimeout: 20_000,
    hookTimeout: 20_000,
    projects: [
      {
        extends: true as const,
        test: {
          name: "file",
          include: ["test/**/*.test.ts"],
          // The stress suite's short variants (*.ci.test.ts) run here; the long ones in `npm run test:stress`.
          exclude: ["test/stress/**/!(*.ci).test.ts", "node_modules/**", ...POSTGRES_ONLY],
          env: { PAIRBOT_TEST_BACKEND: "file" },
        },
      },
      ...(postgres
        ? [
            {
              extends: true as const,
              test: {
                name: "postgres",
                include: [...SHARED_STORE_TESTS, ...POSTGRES_ONLY],
                env: { PAIRBOT_TEST_BACKEND: "postgres" },
                globalSetup: ["test/support/postgres-setup.ts"],
              },
            },
          ]
        : []),
    ],
  },
});
