import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ENTRIES, SECTIONS } from "../../src/cli/commands/index.js";
import { defineCommand, defineGroup } from "../../src/cli/define.js";
import { commandHelp, fullHelp } from "../../src/cli/help.js";
import { UsageError, parseLine } from "../../src/cli/parse.js";

const usageError = (run: () => unknown): UsageError => {
  try {
    run();
  } catch (e) {
    if (e instanceof UsageError) return e;
    throw e;
  }
  throw new Error("expected a usage error");
};

const parse = (argv: string[]) => parseLine(argv, ENTRIES);

describe("one parser for every command", () => {
  it("finds --store, --json and --help anywhere before a --", () => {
    const line = parse(["--json", "pairing", "list", "--store", "/s.json", "whatsapp"]);
    expect(line.globals).toEqual({ store: "/s.json", json: true, help: false, version: false });
    expect(line.path).toEqual(["pairing", "list"]);
    expect(line.input).toEqual({ args: { channel: "whatsapp" }, flags: { account: undefined } });
    const help = parse(["allowed", "--store=/s.json", "-h"]);
    expect(help.globals).toMatchObject({ store: "/s.json", help: true });
    expect(help.input).toBeUndefined();
    expect(usageError(() => parse(["pairing", "list", "--store"])).message).toMatch(/^Flag --store needs a value: --store PATH\|URL\.$/);
    expect(parse(["audit", "--store=~/pairbot/store.json"]).globals.store).toBe(path.join(os.homedir(), "pairbot", "store.json"));
  });

  it("takes words that start with one dash as arguments: group ids and base64url ids", () => {
    expect(parse(["pairing", "approve", "telegram", "-100123", "--account", "work"]).input).toEqual({
      args: { channel: "telegram", "code|senderId": "-100123" },
      flags: { account: "work" },
    });
    expect(parse(["devices", "approve", "-NJxitLgldsG"]).input?.args).toEqual({ requestId: "-NJxitLgldsG" });
    expect(parse(["pairing", "revoke", "x", "--", "--odd-sender"]).input?.args).toEqual({ channel: "x", senderId: "--odd-sender" });
  });

  it("names what is wrong, guesses what was meant, and gives the command's usage line", () => {
    const missing = usageError(() => parse(["pairing", "deny", "whatsapp"]));
    expect(missing.message).toBe("Missing <code|senderId>.");
    expect(missing.usage).toEqual(["pairbot pairing deny <channel> <code|senderId> [--account A] [--block]"]);
    expect(usageError(() => parse(["pairing", "approve", "a", "b", "c"])).message).toBe('Unexpected argument "c".');
    expect(usageError(() => parse(["pairing", "approve", "a", "b", "--acount", "x"])).message).toBe("Unknown flag --acount; did you mean --account?");
    expect(usageError(() => parse(["pairing", "list", "--jsn"])).message).toBe("Unknown flag --jsn; did you mean --json?");
    expect(usageError(() => parse(["audit", "--bogus"])).message).toBe("Unknown flag --bogus.");
    expect(usageError(() => parse(["pairing", "approve", "a", "b", "--account"])).message).toBe("Flag --account needs a value: --account A.");
    expect(usageError(() => parse(["pairing", "approve", "a", "--account", "--json"])).message).toBe("Flag --account needs a value: --account A.");
    expect(usageError(() => parse(["setup-code", "--role", "admin"])).message).toBe('--role must be node or operator, not "admin".');
  });

  it("suggests the command meant", () => {
    expect(usageError(() => parse(["pairing", "aprove", "whatsapp", "X"])).message).toBe('Unknown command "pairing aprove"; did you mean "pairing approve"?');
    expect(usageError(() => parse(["devics", "list"])).message).toBe('Unknown command "devics"; did you mean "devices"?');
    expect(usageError(() => parse(["frob"])).message).toBe('Unknown command "frob".');
    expect(usageError(() => parse(["pairing", "aprove"])).usage).toContain("pairbot pairing approve [channel] [code|senderId] [--account A] [--for DURATION]");
  });

  it("reads boolean flags as true or false, and refuses a value for them", () => {
    expect(parse(["import", "openclaw", "--dry-run", "/tmp/oc"]).input).toEqual({ args: { DIR: "/tmp/oc" }, flags: { "dry-run": true } });
    expect(parse(["import", "openclaw"]).input).toEqual({ args: { DIR: undefined }, flags: { "dry-run": false } });
    expect(usageError(() => parse(["import", "openclaw", "--dry-run=yes"])).message).toBe("Flag --dry-run takes no value.");
  });

  it("reads `help <command>` as `<command> --help`", () => {
    expect(parse(["help", "pairing", "approve"])).toMatchObject({ globals: { help: true }, path: ["pairing", "approve"], input: undefined });
    expect(parse(["help"])).toMatchObject({ globals: { help: true }, path: [], target: undefined });
  });
});

describe("help derived from the definitions", () => {
  const probe = defineCommand({
    name: "probe",
    summary: "look at a sender",
    args: [{ name: "channel", description: "the channel" }, { name: "DIR", description: "a folder", required: false }],
    flags: { level: { type: "string", choices: ["low", "high"], description: "how hard" }, quiet: { type: "boolean", description: "say less" } },
    examples: ["pairbot tools probe whatsapp"],
    async run() {
      return 0;
    },
  });
  const tools = defineGroup({ name: "tools", summary: "tools", commands: [probe] });

  it("writes the usage, arguments, flags and examples of a command", () => {
    const help = commandHelp(["tools", "probe"], probe).join("\n");
    expect(help).toContain("Usage: pairbot tools probe <channel> [DIR] [--level low|high] [--quiet]");
    expect(help).toMatch(/Arguments:\n {2}channel {2}the channel\n {2}DIR {6}a folder/);
    expect(help).toContain("--level low|high  how hard");
    expect(help).toContain("Examples:\n  pairbot tools probe whatsapp");
    expect(parseLine(["tools", "probe", "x", "--level", "low"], [tools]).input).toEqual({ args: { channel: "x", DIR: undefined }, flags: { level: "low", quiet: false } });
  });

  it("lists every command of every section in the overall help", () => {
    const text = fullHelp(SECTIONS, "Store: /s.json").join("\n");
    for (const entry of ENTRIES) {
      const names = entry.kind === "group" ? entry.commands.map((c) => `pairbot ${entry.name} ${c.name}`) : [`pairbot ${entry.name}`];
      for (const name of names) expect(text).toContain(name);
    }
    expect(text).toContain("pairbot gateway [flags]"); // a dozen flags: shortened, its --help has them
    expect(text).toContain("pairbot import openclaw [DIR] [--dry-run]");
  });
});
