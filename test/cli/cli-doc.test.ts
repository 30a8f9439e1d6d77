import { readFileSync } from "node:fs";
import { beforeAll, expect, it } from "vitest";
import { SPAWNS_TIMEOUT, assertBuilt, pairbot } from "./run-pairbot.js";

beforeAll(assertBuilt);

it("every command pairbot --help lists has a heading in docs/cli.md, and its section names every flag", async () => {
  const help = await pairbot(["--help"]);
  // "  pairbot pairing approve [channel] ..." -> ["pairing", "approve"]: the words before the first argument or flag.
  const commands = help.stdout
    .split("\n")
    .filter((l) => l.startsWith("  pairbot "))
    .map((l) => {
      const words = l.trim().split(" ").slice(1);
      const end = words.findIndex((w) => !/^[a-z-]+$/.test(w));
      return end === -1 ? words : words.slice(0, end);
    });
  expect(commands.length).toBeGreaterThan(20);
  const doc = readFileSync("docs/cli.md", "utf8").split("\n");
  const missing: string[] = [];
  for (const words of commands) {
    const [first, ...rest] = words;
    const heading = new RegExp(`^#+ .*pairbot ${first}\\b${rest.map((w) => `.*\\b${w}\\b`).join("")}`);
    const start = doc.findIndex((l) => heading.test(l));
    if (start === -1) {
      missing.push(words.join(" "));
      continue;
    }
    const end = doc.findIndex((l, i) => i > start && l.startsWith("#"));
    const section = doc.slice(start, end === -1 ? undefined : end).join("\n");
    const own = (await pairbot([...words, "--help"])).stdout;
    const flags = own.split("\nGlobal flags:")[0]!.split("\nFlags:")[1] ?? "";
    for (const flag of flags.match(/^ {2}--[a-z-]+/gm) ?? []) {
      if (!new RegExp(`${flag.trim()}\\b(?!-)`).test(section)) missing.push(`${words.join(" ")} ${flag.trim()}`);
    }
  }
  expect(missing).toEqual([]);
}, SPAWNS_TIMEOUT);
