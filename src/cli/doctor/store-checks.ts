import { LOCK_STALE_MS } from "../../store/lock.js";
import type { StoreHealth } from "../../store/health.js";
import { describeLocation } from "../../store/index.js";
import { storeLine, type StoreChoice } from "../store-source.js";
import { fix, octal, ok, skip, warn, type Check } from "./check.js";

/** Which store, and whether the bot started here uses the same one. */
export function storeChoiceCheck(choice: StoreChoice): Check {
  const line = storeLine(choice);
  if (choice.matchesEnvFile) return ok("store.choice", line);
  if (!choice.envFileStore) return skip("store.choice", line);
  return fix("store.choice", `${line} Run pairbot from the bot's folder, or pass --store ${describeLocation(choice.envFileStore)}.`);
}

/** Folder and file modes, the lock, the format: what the store module reports, with what to do. */
export function storeChecks(health: StoreHealth): Check[] {
  const checks: Check[] = [];
  const f = health.files;
  if (f) {
    if (f.folderMode === undefined) checks.push(ok("store.folder", `The folder ${f.folder} does not exist yet; the first change creates it (mode 0700).`));
    else if (f.folderMode & 0o077) checks.push(fix("store.folder", `The folder ${f.folder} has mode ${octal(f.folderMode)}, so other users can look in; run: chmod 700 ${f.folder}`));
    else checks.push(ok("store.folder", `The folder ${f.folder} is private (${octal(f.folderMode)}).`));

    const open = [
      ...(f.fileMode !== undefined && f.fileMode & 0o077 ? [f.file] : []),
      ...(f.journalMode !== undefined && f.journalMode & 0o077 ? [`${f.file}.journal`] : []),
    ];
    if (f.fileMode === undefined) checks.push(ok("store.file", `No store file yet at ${f.file}; the first change creates it (mode 0600).`));
    else if (open.length > 0) checks.push(fix("store.file", `Other users may read ${open.join(" and ")} (token hashes, who may message the assistant); run: chmod 600 ${open.join(" ")}`));
    else checks.push(ok("store.file", `The store file and its journal are private (${octal(f.fileMode)}).`));

    if (f.lock === "free") checks.push(ok("store.lock", "The store is not locked."));
    else if (f.lock === "held") checks.push(ok("store.lock", "A pairbot process is writing to the store right now; that lasts milliseconds."));
    else {
      checks.push(warn("store.lock", `The lock ${f.file}.lock was left by a process that died; the next change takes it over after ${LOCK_STALE_MS / 1000} s. If it stays, remove that folder while no pairbot runs.`));
    }
  }
  if (!health.read.ok) checks.push(fix("store.format", health.read.problem));
  else {
    const held = Object.entries(health.read.counts).filter(([, n]) => n > 0).map(([part, n]) => `${n} ${part}`).join(", ") || "nothing yet";
    const version = f?.version;
    checks.push(
      version !== undefined && version < health.latestVersion
        ? ok("store.format", `The store has format ${version}; the next change migrates it to ${health.latestVersion} (copy the file first if you may go back to an older pairbot). It holds ${held}.`)
        : ok("store.format", `The store reads well (format ${health.latestVersion}) and holds ${held}.`),
    );
  }
  return checks;
}
