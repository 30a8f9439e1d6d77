import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** The project folder (the one with package.json), found from this file both in src/ and in dist/src/. */
function projectRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, "package.json"))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error("pairbot cannot find its own folder (no package.json above it)");
    dir = up;
  }
  return dir;
}

export const botLocalesDir = (): string => path.join(projectRoot(), "locales", "bot");
