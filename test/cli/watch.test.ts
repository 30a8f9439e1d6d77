import path from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { PairingStore } from "../../src/store/index.js";
import { LineProcess, repoRoot } from "../support/stress-processes.js";
import { tempDir } from "../support/temp-store.js";
import { SPAWNS_TIMEOUT, assertBuilt, pairbot } from "./run-pairbot.js";

/** `pairbot watch` as an adapter runs it: the real binary, its stdout piped, the store changed by another process. */

const running: LineProcess[] = [];
const folders: Array<() => void> = [];
beforeAll(() => assertBuilt());
afterEach(async () => {
  for (const p of running.splice(0)) {
    if (p.running) p.kill("SIGKILL");
    await p.exited;
  }
  for (const remove of folders.splice(0)) remove();
});

function newStore(policy = {}) {
  const { dir, remove } = tempDir("pairbot-watch-");
  folders.push(remove);
  const file = path.join(dir, "store.json");
  return { dir, file, store: new PairingStore({ file, policy }) };
}

function watch(file: string, args: string[], env: NodeJS.ProcessEnv = {}) {
  const proc = new LineProcess(path.join(repoRoot, "bin", "pairbot.js"), ["watch", ...args], {
    env: { PATH: process.env["PATH"], HOME: path.dirname(file), STORE_PATH: file, ...env },
    cwd: path.dirname(file),
  });
  running.push(proc);
  return proc;
}

const started = (proc: LineProcess) => until(() => proc.stderr.includes("Following pairing events"), proc);

async function until(condition: () => boolean, proc: LineProcess, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (!proc.running) throw new Error(`pairbot watch exited: ${proc.stderr}`);
    if (Date.now() > deadline) throw new Error(`timed out; stdout: ${proc.lines.join("\n")}; stderr: ${proc.stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe("pairbot watch", { timeout: SPAWNS_TIMEOUT }, () => {
  it("--json prints one object a line as events happen: the approval with its notice and the held message", async () => {
    const { file, store } = newStore();
    const proc = watch(file, ["--json"]);
    await started(proc);
    const asked = await store.requestDmPairing({ channel: "whatsapp", senderId: "+491701234567", name: "Ann", message: "Hello, it's Ann", locale: "de", actor: "adapter:loopback" });
    await store.approveDm({ channel: "whatsapp", codeOrSender: asked.code! }, "cli:test");
    await until(() => proc.lines.length >= 2, proc);
    const [requested, approved] = proc.lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(requested).toMatchObject({ seq: 1, type: "dm.requested", channel: "whatsapp", account: "default", senderId: "+491701234567", at: expect.any(String) });
    expect(approved).toMatchObject({ seq: 2, type: "dm.approved", senderId: "+491701234567", message: "Hello, it's Ann", notice: expect.stringMatching(/^Du bist drin/) });
    expect(requested).not.toHaveProperty("notice");

    proc.kill("SIGTERM");
    expect(await proc.exited).toEqual({ code: 0, signal: null });
  });

  it("--since resumes after a seq: what happened before is replayed, then it follows, nothing twice", async () => {
    const { file, store } = newStore();
    await store.requestDmPairing({ channel: "whatsapp", senderId: "+4911", actor: "adapter:loopback" });
    await store.requestDmPairing({ channel: "signal", senderId: "+4922", actor: "adapter:loopback" });
    await store.denyDm({ channel: "signal", codeOrSender: "+4922" }, "cli:test");
    const proc = watch(file, ["--json", "--since", "1"]);
    await started(proc);
    await store.approveDm({ channel: "whatsapp", codeOrSender: "+4911" }, "cli:test");
    await until(() => proc.lines.length >= 3, proc);
    expect(proc.lines.map((line) => (JSON.parse(line) as { seq: number; type: string }).type)).toEqual(["dm.requested", "dm.denied", "dm.approved"]);
    expect(proc.lines.map((line) => (JSON.parse(line) as { seq: number }).seq)).toEqual([2, 3, 4]);
    proc.kill("SIGINT");
    expect((await proc.exited).code).toBe(0);
  });

  it("prints a readable line per event without --json: the sender, the notice, the held message on one line", async () => {
    const { file, store } = newStore();
    const proc = watch(file, []);
    await started(proc);
    await store.requestDmPairing({ channel: "whatsapp", senderId: "+491701234567", name: "Ann", message: 'Hi, I am "Ann"', actor: "adapter:loopback" });
    await store.approveDm({ channel: "whatsapp", codeOrSender: "+491701234567" }, "cli:test");
    await until(() => proc.lines.length >= 2, proc);
    expect(proc.lines[0]).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d  #1  dm\.requested  whatsapp  Ann \(\+491701234567\)$/);
    expect(proc.lines[1]).toMatch(/#2  dm\.approved  whatsapp  Ann \(\+491701234567\)  notice: "You're in: the owner approved you, and the assistant on whatsapp answers you from now on\."  message: "Hi, I am \\"Ann\\""$/);
  });

  it("refuses a --since older than what the store keeps with one sentence, and a bad one as misuse", async () => {
    const { file, store } = newStore({ eventLimit: 2 });
    for (const id of ["+1", "+2", "+3"]) await store.requestDmPairing({ channel: "whatsapp", senderId: id, actor: "adapter:loopback" });
    const pruned = await pairbot(["watch", "--since", "0", "--store", file]);
    expect(pruned.code).toBe(1);
    expect(pruned.stderr.trim().split("\n")).toHaveLength(1);
    expect(pruned.stderr).toMatch(/^Events after 0 are no longer all kept/);

    const bad = await pairbot(["watch", "--since", "yesterday", "--store", file]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^Invalid --since "yesterday": give the seq of the last event you have/);
    expect(bad.stderr).toMatch(/\nUsage: pairbot watch \[--since SEQ\]\n$/);
    const negative = await pairbot(["watch", "--since", "-1", "--store", file]);
    expect(negative).toMatchObject({ code: 2, stdout: "" });
    expect(negative.stderr).toMatch(/^Invalid --since "-1": give the seq of the last event you have, a whole number like 42 \(0 for every event kept\)\.\n/);
  });
});
