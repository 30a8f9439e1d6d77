import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newNodeState, saveNodeState } from "../../src/node/state.js";
import { PairingStore, STORE_VERSION } from "../../src/store/index.js";
import { tempDir } from "../support/temp-store.js";
import { SPAWNS_TIMEOUT, assertBuilt, cliFor, pairbot } from "./run-pairbot.js";

let folder: ReturnType<typeof tempDir>;
beforeAll(() => {
  assertBuilt();
  folder = tempDir("pairbot-cli-");
});
afterAll(() => folder.remove());

/** A store folder holding exactly the given text as store.json. */
function storeWith(name: string, text: string): string {
  const dir = path.join(folder.dir, name);
  mkdirSync(dir);
  const file = path.join(dir, "store.json");
  writeFileSync(file, text, { mode: 0o600 });
  return file;
}

describe("a store that cannot be used", { timeout: SPAWNS_TIMEOUT }, () => {
  it("is refused by every command with one sentence naming the file, and stays byte for byte", async () => {
    const text = '{ "version": 1, "dm": { "requests": [ \n';
    const file = storeWith("broken-json", text);
    const cli = cliFor(file);
    const commands = [
      ["pairing", "list"],
      ["pairing", "approve", "whatsapp", "AB3D7X9K"],
      ["allowlist", "add", "signal", "bob"],
      ["setup-code", "--url", "ws://127.0.0.1:18789"],
    ];
    for (const args of commands) {
      const run = await cli(args);
      expect(run, args.join(" ")).toMatchObject({ code: 1, stdout: "" });
      expect(run.stderr).toMatch(new RegExp(`^The store ${file.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")} cannot be used: it is not valid JSON \\(.*\\)\\. pairbot will not change it; .*\\n$`));
    }
    expect(readFileSync(file, "utf8")).toBe(text);
    expect(readdirSync(path.dirname(file))).toEqual(["store.json"]); // no lock or temp file left behind
  });

  it("says what does not match the format, or that a newer pairbot wrote it", async () => {
    const wrongShape = storeWith("wrong-shape", '{"version":1,"dm":{"requests":"none"}}');
    const run = await cliFor(wrongShape)(["pairing", "deny", "whatsapp", "+4917"]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("it does not match the store format (dm.requests:");
    expect(readFileSync(wrongShape, "utf8")).toBe('{"version":1,"dm":{"requests":"none"}}');

    const newer = storeWith("newer", '{"version":99}');
    expect((await cliFor(newer)(["audit"])).stderr).toBe(
      `The store ${newer} has version 99, written by a newer pairbot; this one reads up to version ${STORE_VERSION}. Upgrade pairbot.\n`,
    );
  });
});

describe("misuse", { timeout: SPAWNS_TIMEOUT }, () => {
  const cli = () => cliFor(path.join(folder.dir, "misuse", "store.json"));

  it.each([
    [["frob"], 'Unknown command "frob".', "Usage: pairbot [--store PATH|URL] [--json] <command> ..."],
    [["pairing"], '"pairing" needs a subcommand: list, approve, deny, revoke.', "Usage: pairbot pairing deny <channel> <code|senderId> [--account A] [--block]"],
    [["devices", "revoke"], "Missing <deviceId>.", "Usage: pairbot devices revoke <deviceId>"],
    [["pairing", "list", "--bogus"], "Unknown flag --bogus.", "Usage: pairbot pairing list [channel] [--account A]"],
    [["pairing", "aprove", "whatsapp", "AB3D7X9K"], 'Unknown command "pairing aprove"; did you mean "pairing approve"?', "Usage: pairbot pairing approve [channel] [code|senderId]"],
    [["pairing", "list", "--acount", "work"], "Unknown flag --acount; did you mean --account?", "Usage: pairbot pairing list"],
    [["dm", "request", "whatsapp", "+49", "--meta", "{chat}"], `--meta must be a JSON object, like --meta '{"chat":"private"}'.`, "Usage: pairbot dm request"],
  ])("pairbot %j exits 2 and says what is wrong and how it is used", async (args, problem, usage) => {
    const run = await cli()(args);
    expect(run).toMatchObject({ code: 2, stdout: "" });
    expect(run.stderr.split("\n")[0]).toBe(problem);
    expect(run.stderr).toContain(`\n${usage}`);
  });

  it("prints the help on --help, for one command or all", async () => {
    const all = await pairbot(["--help"]);
    expect(all.code).toBe(0);
    for (const usage of ["pairbot dm request <channel> <senderId>", "pairbot pairing approve", "pairbot allowed", "pairbot setup-code", "pairbot devices cleanup", "pairbot audit"]) {
      expect(all.stdout).toContain(usage);
    }
    const one = await pairbot(["pairing", "deny", "--help"]);
    expect(one.code).toBe(0);
    expect(one.stdout).toMatch(/^Usage: pairbot pairing deny <channel> <code\|senderId> \[--account A\] \[--block\]\n\nDrop a pending request \(with --block, and never hear from the sender again\)\.\n/);
    expect(one.stdout).toContain("\nExamples:\n  pairbot pairing deny telegram 123456789\n");
    const group = (await pairbot(["help", "allowlist"])).stdout;
    expect(group.match(/^ {2}pairbot allowlist \S+/gm)).toEqual(["  pairbot allowlist list", "  pairbot allowlist add", "  pairbot allowlist remove", "  pairbot allowlist import"]);
    expect(all.stdout).toContain("pairbot import openclaw [DIR] [--dry-run]");
    const bare = await pairbot([]);
    expect(bare.code).toBe(2);
    expect(bare.stderr).toContain("Usage: pairbot");
  });
});

describe("an unexpected failure", { timeout: SPAWNS_TIMEOUT }, () => {
  it("is one line without a stack, unless PAIRBOT_DEBUG=1", async () => {
    const underAFile = path.join(folder.dir, "a-file", "store.json");
    writeFileSync(path.dirname(underAFile), "not a folder");
    const plain = await pairbot(["pairing", "list", "--store", underAFile]);
    expect(plain.code).toBe(1);
    expect(plain.stderr).toMatch(/^pairbot failed unexpectedly: ENOTDIR[^\n]*\(run with PAIRBOT_DEBUG=1 for details\)\n$/);
    const debug = await pairbot(["pairing", "list", "--store", underAFile], { env: { PAIRBOT_DEBUG: "1" } });
    expect(debug.code).toBe(1);
    expect(debug.stderr).toMatch(/ENOTDIR[^]*\n {4}at /);
  });

  it("but a store path naming a folder says how to fix it", async () => {
    const aFolder = path.join(folder.dir, "a-folder");
    mkdirSync(aFolder);
    const result = await pairbot(["pairing", "list", "--store", aFolder]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`The store ${aFolder} cannot be used: it is a folder, not a file; point STORE_PATH or --store at a file inside it, like ${aFolder}/store.json.\n`);
  });
});

describe("mistakes a user can fix are one sentence saying what to do, not unexpected", { timeout: SPAWNS_TIMEOUT }, () => {
  it("a store file with no version", async () => {
    const file = storeWith("no-version", '{"deviceId":"x"}');
    const run = await pairbot(["pairing", "list", "--store", file]);
    expect(run).toMatchObject({ code: 1, stdout: "" });
    expect(run.stderr).toBe(`The store ${file} cannot be used: it has no "version", so it is not a pairbot store; point STORE_PATH or --store at the store file, or restore it from a backup.\n`);
  });

  it("a node state that is a folder, or holds no token yet", async () => {
    const dir = path.join(folder.dir, "node-state-folder");
    mkdirSync(dir);
    const asFolder = await pairbot(["node", "connect", "--state", dir]);
    expect(asFolder).toMatchObject({ code: 1, stdout: "" });
    expect(asFolder.stderr).toBe(`The node state ${dir} is a folder; give --state a file inside it, like ${dir}/node.json.\n`);

    const unpaired = path.join(folder.dir, "unpaired-node.json");
    await saveNodeState(unpaired, newNodeState()); // what `node pair` leaves when stopped before approval
    const connect = await pairbot(["node", "connect", "--state", unpaired]);
    expect(connect).toMatchObject({ code: 1, stdout: "" });
    expect(connect.stderr).toBe(`The node state ${unpaired} holds no device token yet; pair first: pairbot node pair <setupCode>.\n`);
  });

  it("a node state file that does not exist: never paired, not a file without a token", async () => {
    const missing = path.join(folder.dir, "no-such-node.json");
    const connect = await pairbot(["node", "connect", "--state", missing]);
    expect(connect).toMatchObject({ code: 1, stdout: "" });
    expect(connect.stderr).toBe(`The node state file ${missing} does not exist; pair first: pairbot node pair <setupCode>, or point --state at the file an earlier pairing saved.\n`);
  });

  it("a store copy from a path that holds no store copies nothing and says so", async () => {
    const typo = path.join(folder.dir, "no-such-store.json");
    const target = path.join(folder.dir, "copy-target", "store.json");
    const run = await pairbot(["store", "copy", typo, target]);
    expect(run).toMatchObject({ code: 1, stdout: "", stderr: `There is no store at ${typo}: check the path of the store to copy.\n` });
    expect(existsSync(target)).toBe(false);
  });

  it("a gateway --host that does not resolve", async () => {
    const run = await pairbot(["gateway", "--host", "nope.invalid", "--port", "0", "--store", path.join(folder.dir, "gateway-host", "store.json")]);
    expect(run).toMatchObject({ code: 1, stdout: "" });
    expect(run.stderr.trimEnd().split("\n").at(-1)).toBe("--host nope.invalid does not resolve to an address here: use one from hostname -I, 127.0.0.1, or 0.0.0.0 for all.");
  });

  it("pairbot --version", async () => {
    const { version } = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string };
    expect(await pairbot(["--version"])).toMatchObject({ code: 0, stdout: `pairbot ${version}\n`, stderr: "" });
  });
});

describe("the import graph of an ordinary command", { timeout: SPAWNS_TIMEOUT }, () => {
  /** The modules a CLI command resolves, recorded by a loader hook. */
  async function importsOf(args: string[], name: string): Promise<string[]> {
    const record = path.join(folder.dir, `imports-${name}.txt`);
    writeFileSync(record, "");
    const hook = fileURLToPath(new URL("./fixtures/record-imports.mjs", import.meta.url));
    await pairbot(args, { env: { RECORD_IMPORTS: record }, nodeArgs: ["--import", hook] });
    return readFileSync(record, "utf8").split("\n").filter(Boolean);
  }

  it("is one bundled file: no package, no Telegram, gateway or node code is loaded for a list", async () => {
    const file = storeWith("graph-rows", "");
    rmSync(file);
    await new PairingStore({ file }).requestDmPairing({ channel: "whatsapp", senderId: "+4917" });
    const urls = await importsOf(["pairing", "list", "--store", file], "list");
    const ours = urls.filter((u) => u.startsWith("file:") && !u.includes("/test/cli/fixtures/"));
    expect(ours.map((u) => u.replace(/^.*\/(bin|dist)\//, "$1/"))).toEqual(["bin/pairbot.js", "dist/src/cli/bundle.js"]);
  });

  it("loads the node client only when `pairbot node` runs, and no bot code", async () => {
    expect((await importsOf(["node", "--help"], "node-help")).some((u) => u.includes("/dist/src/node/"))).toBe(false);
    const urls = await importsOf(["node", "connect", "--state", path.join(folder.dir, "no-node.json")], "node");
    expect(urls.some((u) => u.includes("/dist/src/node/cli.js"))).toBe(true);
    expect(urls.filter((u) => /\/dist\/src\/bot\//.test(u))).toEqual([]);
  });
});
