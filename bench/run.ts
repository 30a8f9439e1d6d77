import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { repoRoot } from "../test/support/stress-processes.js";
import { burst } from "./burst.js";
import { costs } from "./costs.js";
import { pollingBaseline } from "./latency.js";
import { postgres } from "./postgres.js";
import { botProcess } from "./processes.js";
import { machine, markdown, textTable, withPostgresPart, type Row } from "./report.js";
import { throughput } from "./throughput.js";

/**
 * `npm run bench`: every figure issues 5 and 8 ask for, printed as a table and written to BENCHMARKS.md.
 * `node dist/bench/run.js costs bot` runs only the named sections and leaves BENCHMARKS.md alone;
 * `node dist/bench/run.js --only postgres` runs the PostgreSQL column and writes only its part of it.
 */
const SECTIONS: Record<string, (dir: string) => Promise<Row[]>> = {
  costs,
  throughput,
  bot: botProcess,
  polling: pollingBaseline,
  postgres: () => postgres(),
  burst,
};

async function main(): Promise<void> {
  const wanted = process.argv.slice(2).filter((a) => a !== "--only");
  const unknown = wanted.filter((w) => !(w in SECTIONS));
  if (unknown.length > 0) {
    console.error(`Unknown section(s): ${unknown.join(", ")}. Sections: ${Object.keys(SECTIONS).join(", ")}.`);
    process.exit(2);
  }
  const names = wanted.length > 0 ? wanted : Object.keys(SECTIONS);
  const m = machine();
  console.log(`pairbot bench: ${m.cpu}, ${m.cores} cores, ${m.memory}, Node ${m.node}, load ${m.load}`);
  const dir = mkdtempSync(path.join(os.tmpdir(), "pairbot-bench-"));
  const rows: Row[] = [];
  const notes: string[] = [];
  const started = performance.now();
  try {
    for (const name of names) {
      const t = performance.now();
      process.stdout.write(`- ${name} ... `);
      try {
        const got = await SECTIONS[name]!(dir);
        rows.push(...got);
        console.log(`${((performance.now() - t) / 1000).toFixed(1)} s`);
      } catch (e) {
        console.log("failed");
        console.error(e);
        notes.push(`Section "${name}" failed: ${(e as Error).message.split("\n")[0]}`);
        process.exitCode = 1;
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  notes.push(`The whole run took ${((performance.now() - started) / 1000).toFixed(0)} s.`);
  console.log("\n" + textTable(rows) + "\n");
  for (const r of rows.filter((r) => r.note)) console.log(`* ${r.section}, ${r.measure}: ${r.note}`);
  const benchmarks = path.join(repoRoot, "BENCHMARKS.md");
  if (wanted.length === 0) {
    writeFileSync(benchmarks, markdown(rows, notes));
    console.log("Written to BENCHMARKS.md");
  } else if (wanted.join() === "postgres" && rows.some((r) => r.value !== "skipped")) {
    writeFileSync(benchmarks, withPostgresPart(existsSync(benchmarks) ? readFileSync(benchmarks, "utf8") : "", rows));
    console.log("PostgreSQL part written to BENCHMARKS.md");
  }
}

await main();
