import { spawn, spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cliContext } from "../../src/cli/context.js";
import type { Prompter } from "../../src/cli/prompter.js";
import { runCli } from "../../src/cli/run.js";
import { PairingStore } from "../../src/store/index.js";
import { deviceHello, issueSetupCode, newDeviceKey } from "../support/store-devices.js";
import { tempDir } from "../support/temp-store.js";
import { SPAWNS_TIMEOUT, assertBuilt, cliFor } from "./run-pairbot.js";

const bin = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../bin/pairbot.js");
let folder: ReturnType<typeof tempDir>;
beforeAll(() => {
  assertBuilt();
  folder = tempDir("pairbot-pick-");
});
afterAll(() => folder.remove());

/** A store with Ann (WhatsApp) and Bob (Telegram) waiting, in that order. */
async function storeWithTwo(name: string): Promise<string> {
  const file = path.join(folder.dir, name, "store.json");
  const store = new PairingStore({ file });
  await store.requestDmPairing({ channel: "whatsapp", senderId: "+491701234567", name: "Ann" });
  await store.requestDmPairing({ channel: "telegram", senderId: "123456789", name: "Bob" });
  return file;
}

const ansi = /\u001b\[[0-9;?]*[A-Za-z]/g;

/**
 * Runs pairbot on a pseudo-terminal (util-linux `script`), answering each question when its text shows:
 * `steps` are [text to wait for, keys to type].
 */
function onTerminal(args: string[], steps: [string, string][]): Promise<{ code: number; screen: string }> {
  const command = `stty cols 120 rows 40; exec ${JSON.stringify(process.execPath)} ${JSON.stringify(bin)} ${args.map((a) => JSON.stringify(a)).join(" ")}`;
  const child = spawn("script", ["-qfec", command, "/dev/null"], { cwd: folder.dir, env: { PATH: process.env["PATH"], HOME: folder.dir, TERM: "xterm" } });
  let screen = "";
  let next = 0;
  child.stdout.on("data", (chunk: Buffer) => {
    screen += chunk.toString("utf8");
    const step = steps[next];
    if (step && screen.replace(ansi, "").includes(step[0])) {
      next++;
      child.stdin.write(step[1]);
    }
  });
  return new Promise((resolve) => child.on("close", (code) => resolve({ code: code ?? 1, screen: screen.replace(ansi, "") })));
}

const hasScript = spawnSync("script", ["--version"]).status === 0;

describe("pairbot pairing approve with no arguments", { timeout: SPAWNS_TIMEOUT }, () => {
  it.skipIf(!hasScript)("on a terminal lists the pending requests, takes the arrow keys, confirms and approves", async () => {
    const file = await storeWithTwo("terminal");
    const down = "\u001b[B";
    const run = await onTerminal(["pairing", "approve", "--store", file], [
      ["Which sender may message the assistant?", `${down}\r`],
      ["Approve Bob (123456789) on telegram?", "y"],
    ]);
    expect(run.screen).toContain("Ann (+491701234567) on whatsapp");
    expect(run.screen).toContain("Approved Bob (123456789) on telegram: they can message the assistant now.");
    expect(run.code).toBe(0);
    const allowed = await cliFor(file)(["allowlist", "list", "--json"]);
    expect(JSON.parse(allowed.stdout)).toEqual([expect.objectContaining({ channel: "telegram", senderId: "123456789" })]);
  });

  it.skipIf(!hasScript)("with a channel offers only its requests, and no at the confirmation approves nothing", async () => {
    const file = await storeWithTwo("terminal-no");
    const run = await onTerminal(["pairing", "approve", "whatsapp", "--store", file], [
      ["Which sender may message the assistant?", "\r"],
      ["Approve Ann (+491701234567) on whatsapp?", "n"],
    ]);
    expect(run.screen).toContain("Nothing approved.");
    expect(run.screen).not.toContain("Bob"); // only the channel asked for
    expect(run.code).toBe(1);
  });

  it("without a terminal says what to pass (exit 2), and changes nothing", async () => {
    const file = await storeWithTwo("pipe");
    const cli = cliFor(file);
    const run = await cli(["pairing", "approve"]);
    expect(run).toMatchObject({ code: 2, stdout: "" });
    expect(run.stderr).toBe(
      "Name the request: pairbot pairing approve <channel> <code|senderId> (pairbot pairing list shows them); without them it asks, but only on a terminal.\n" +
        "Usage: pairbot pairing approve [channel] [code|senderId] [--account A] [--for DURATION]\n",
    );
    const devices = await cli(["devices", "approve"]);
    expect(devices.code).toBe(2);
    expect(devices.stderr).toMatch(/^Name the request: pairbot devices approve <requestId> \(pairbot devices list shows them\)/);
    expect(JSON.parse((await cli(["pairing", "list", "--json"])).stdout)).toHaveLength(2);
  });
});

describe("what the owner is offered", () => {
  /** Runs a command in-process with a prompter that records the questions and answers as told. */
  async function withAnswers(args: string[], answer: { pick: (labels: string[]) => number | undefined; confirm: boolean }) {
    const asked: { question: string; labels: string[]; hints: (string | undefined)[] }[] = [];
    const confirmed: string[] = [];
    const out: string[] = [];
    const prompter: Prompter = {
      async choose(question, options) {
        asked.push({ question, labels: options.map((o) => o.label), hints: options.map((o) => o.hint) });
        const i = answer.pick(options.map((o) => o.label));
        return i === undefined ? undefined : options[i]!.value;
      },
      async confirm(question) {
        confirmed.push(question);
        return answer.confirm;
      },
    };
    const code = await runCli(args, {
      env: {},
      context: (globals) => ({ ...cliContext(globals, {}), prompter, out: (line) => out.push(line), err: (line) => out.push(line) }),
    });
    return { code, asked, confirmed, out };
  }

  it("each DM request by sender, channel, code and age; the account filter applies", async () => {
    const file = await storeWithTwo("offered");
    const { code, asked, out } = await withAnswers(["pairing", "approve", "--store", file], { pick: () => undefined, confirm: true });
    expect(asked).toEqual([{
      question: "Which sender may message the assistant?",
      labels: ["Ann (+491701234567) on whatsapp", "Bob (123456789) on telegram"],
      hints: [expect.stringMatching(/^code [A-Z0-9]{8}, asked just now$/), expect.stringMatching(/^code [A-Z0-9]{8}, asked just now$/)],
    }]);
    expect(out).toEqual(["Nothing approved."]);
    expect(code).toBe(1);
    const none = await withAnswers(["pairing", "approve", "--account", "work", "--store", file], { pick: () => 0, confirm: true });
    expect(none).toMatchObject({ code: 0, asked: [], out: ["No pending pairing requests."] });
  });

  it("a pending device by name, platform, role and address", async () => {
    const file = path.join(folder.dir, "device", "store.json");
    const store = new PairingStore({ file });
    const setup = await issueSetupCode(store, "operator");
    await store.requestDevicePairing(deviceHello(setup.bootstrapToken, newDeviceKey(), "operator", ["operator.read"]));
    const { code, asked, confirmed, out } = await withAnswers(["devices", "approve", "--store", file], { pick: () => 0, confirm: true });
    expect(asked[0]).toEqual({ question: "Which device may join the gateway?", labels: ["Kitchen tablet (android, operator)"], hints: ["from 192.168.1.31, asked just now"] });
    expect(confirmed).toEqual(["Pair Kitchen tablet (android, operator) with scopes operator.read?"]);
    expect(out[0]).toMatch(/^Approved Kitchen tablet \(android, operator\) as device \S+; it receives its token from the gateway\.$/);
    expect(code).toBe(0);
  });
});
