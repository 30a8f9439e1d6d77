import { existsSync } from "node:fs";
import { runCli } from "./run.js";

// The same .env as `npm start` (variables already set win), so the CLI and the bot use one store.
if (existsSync(".env")) process.loadEnvFile(".env");

// `pairbot audit | head` closes the pipe early; that is not an error worth a stack trace.
process.stdout.on("error", (e: NodeJS.ErrnoException) => {
  if (e.code === "EPIPE") process.exit(process.exitCode ?? 0);
  throw e;
});

process.exitCode = await runCli(process.argv.slice(2));
