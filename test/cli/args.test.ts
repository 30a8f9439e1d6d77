import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { UsageError, extractGlobals, parseCommand, type CommandShape } from "../../src/cli/args.js";

const approve: CommandShape = { usage: "pairing approve <channel> <code|senderId> [--account A]", args: ["channel", "code|senderId"], options: ["account"] };

const usageError = (run: () => unknown): UsageError => {
  try {
    run();
  } catch (e) {
    if (e instanceof UsageError) return e;
    throw e;
  }
  throw new Error("expected a usage error");
};

describe("command line parsing", () => {
  it("finds --store, --json and --help anywhere before a --", () => {
    expect(extractGlobals(["--json", "pairing", "list", "--store", "/s.json", "whatsapp"])).toEqual({
      store: "/s.json", json: true, help: false, rest: ["pairing", "list", "whatsapp"],
    });
    expect(extractGlobals(["allowed", "--store=/s.json", "-h", "--", "x", "--json"])).toEqual({
      store: "/s.json", json: false, help: true, rest: ["allowed", "--", "x", "--json"],
    });
    expect(usageError(() => extractGlobals(["pairing", "list", "--store"])).message).toMatch(/^--store needs a file path/);
    expect(extractGlobals(["--store=~/pairbot/store.json"]).store).toBe(path.join(os.homedir(), "pairbot", "store.json"));
  });

  it("takes words that start with one dash as arguments: group ids and base64url ids", () => {
    expect(parseCommand(approve, ["telegram", "-100123", "--account", "work"])).toEqual({ args: ["telegram", "-100123"], flags: { account: "work" } });
    expect(parseCommand(approve, ["--account=work", "x", "-NJxitLgldsG"]).args).toEqual(["x", "-NJxitLgldsG"]);
    expect(parseCommand(approve, ["x", "--", "--odd-sender"]).args).toEqual(["x", "--odd-sender"]);
  });

  it("names what is wrong and gives the command's usage line", () => {
    const missing = usageError(() => parseCommand(approve, ["whatsapp"]));
    expect(missing.message).toBe("Missing <code|senderId>.");
    expect(missing.usage).toEqual(["pairbot pairing approve <channel> <code|senderId> [--account A]"]);
    expect(usageError(() => parseCommand(approve, ["a", "b", "c"])).message).toBe('Unexpected argument "c".');
    expect(usageError(() => parseCommand(approve, ["a", "b", "--acount", "x"])).message).toBe("Unknown option --acount.");
    expect(usageError(() => parseCommand(approve, ["a", "b", "--account"])).message).toBe("Option --account needs a value.");
    expect(usageError(() => parseCommand(approve, ["a", "--account", "--json"])).message).toBe("Option --account needs a value.");
  });
});

describe("switches", () => {
  const importShape: CommandShape = { usage: "import openclaw [DIR] [--dry-run]", args: ["DIR?"], options: [], switches: ["dry-run"] };
  it("take no value, and a value given inline is a usage error", () => {
    expect(parseCommand(importShape, ["--dry-run", "/tmp/oc"])).toEqual({ args: ["/tmp/oc"], flags: { "dry-run": "true" } });
    expect(parseCommand(importShape, [])).toEqual({ args: [], flags: {} });
    expect(() => parseCommand(importShape, ["--dry-run=yes"])).toThrow("Option --dry-run takes no value.");
  });
});
