import { readFileSync } from "node:fs";

/** pairbot's version, from the package.json three folders up from dist/src/cli (and from src/cli in tests). */
export function version(): string {
  for (const up of ["../../../package.json", "../../package.json"]) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(up, import.meta.url), "utf8")) as { name?: string; version?: string };
      if (pkg.name === "pairbot" && pkg.version) return pkg.version;
    } catch {
      // not this one
    }
  }
  return "unknown";
}
