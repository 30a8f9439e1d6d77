import { writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { parseDmPolicies } from "../../src/gateway/dm-policy.js";
import { REPLY_KEYS, loadReplies } from "../../src/gateway/replies.js";
import { parseReplyModes } from "../../src/gateway/reply-modes.js";
import { SPAWNS_TIMEOUT, assertBuilt, pairbot } from "../cli/run-pairbot.js";
import { startGatewayProcess, type GatewayProcess } from "../support/gateway-process.js";
import { tempDir } from "../support/temp-store.js";
import { startGateway, type TestGateway } from "./helpers.js";

/** What the gateway sends back to strangers: reply modes, the replies file, and `open` only when confirmed. */
let gw: TestGateway | undefined;
let proc: GatewayProcess | undefined;
const folder = tempDir("pairbot-replies-");
beforeAll(() => assertBuilt());
afterEach(async () => {
  await gw?.stop();
  await proc?.stop();
  gw = proc = undefined;
});
afterAll(() => folder.remove());

async function post(httpUrl: string, channel: string, senderId: string, extra: Record<string, unknown> = {}) {
  const res = await fetch(`${httpUrl}/channels/${channel}/messages`, { method: "POST", body: JSON.stringify({ senderId, text: "hi", ...extra }) });
  return (await res.json()) as Record<string, unknown>;
}

function repliesFile(name: string, content: unknown): string {
  const file = path.join(folder.dir, name);
  writeFileSync(file, typeof content === "string" ? content : JSON.stringify(content));
  return file;
}

describe("reply modes", () => {
  it("full sends the code and how to approve; code-only the code alone; silent nothing, yet the request is filed", async () => {
    gw = await startGateway({ replyModes: parseReplyModes("signal=code-only,whatsapp=silent") });
    const full = await post(gw.httpUrl, "sms", "+4917000");
    expect(full["reply"]).toContain(`/pair approve ${full["code"]}`);
    const codeOnly = await post(gw.httpUrl, "signal", "+4917001");
    expect(codeOnly).toMatchObject({ reason: "pairing", reply: `Pairing code: ${codeOnly["code"]}` });
    const silent = await post(gw.httpUrl, "whatsapp", "+4917002");
    expect(silent).toEqual({ delivered: false, reason: "pairing", created: true, expiresAt: expect.any(String) });
    expect((await gw.owner.pending()).dm.map((r) => r.channel).sort()).toEqual(["signal", "sms", "whatsapp"]);
  });

  it("a capped stranger is told to try later only under full", async () => {
    gw = await startGateway({ replyModes: parseReplyModes("*=code-only,sms=full,whatsapp=silent"), policy: { maxPendingPerChannel: 1 } });
    for (const channel of ["sms", "signal", "whatsapp"]) await post(gw.httpUrl, channel, "+4917000");
    expect(await post(gw.httpUrl, "sms", "+4917001")).toMatchObject({ reason: "capped", reply: expect.stringMatching(/try again later/) });
    expect(await post(gw.httpUrl, "signal", "+4917001")).toEqual({ delivered: false, reason: "capped" });
    expect(await post(gw.httpUrl, "whatsapp", "+4917001")).toEqual({ delivered: false, reason: "capped" });
  });

  it("parses channel=mode lists and refuses an unknown mode", () => {
    expect([...parseReplyModes("whatsapp=silent, signal=code-only,*=full")]).toEqual([["whatsapp", "silent"], ["signal", "code-only"], ["*", "full"]]);
    expect(() => parseReplyModes("whatsapp=quiet")).toThrow(/Invalid --replies entry "whatsapp=quiet": the mode must be one of full, code-only, silent/);
  });
});

describe("the replies file (GATEWAY_REPLIES_FILE)", () => {
  it("overrides the shipped texts per language and key, with {identifier}, {channel}, {code}, {minutes}", async () => {
    const file = repliesFile("ok.json", { de: { pairing: "Hallo {identifier} auf {channel}: {code} ({minutes} min)" } });
    gw = await startGateway({ replies: loadReplies(undefined, file) });
    const de = await post(gw.httpUrl, "whatsapp", "+4917000", { locale: "de" });
    expect(de["reply"]).toBe(`Hallo +4917000 auf whatsapp: ${de["code"]} (60 min)`);
    const en = await post(gw.httpUrl, "whatsapp", "+4917001");
    expect(en["reply"]).toContain("Your whatsapp id: +4917001"); // the shipped English stays
  });

  it.each([
    ["bad-placeholder.json", { en: { pairing: "Your id: {senderId}" } }, /GATEWAY_REPLIES_FILE .*bad-placeholder\.json: "en\.pairing" uses the unknown placeholder \{senderId\}; it may use \{channel\}, \{identifier\}, \{code\}, \{minutes\}\./],
    ["bad-key.json", { en: { welcome: "hi" } }, /GATEWAY_REPLIES_FILE .*bad-key\.json names the unknown key "en\.welcome"; the keys are pairing, code, capped, approved, approvedUntil, denied, revoked, expired, blocked\./],
    ["bad-language.json", { fr: { pairing: "{code}" } }, /names the unknown language "fr"/],
    ["not-json.json", "{ en: ", /GATEWAY_REPLIES_FILE .*not-json\.json is not valid JSON/],
    ["no-code-in-capped.json", { en: { capped: "wait, {code}" } }, /"en\.capped" uses the unknown placeholder \{code\}; it may use \{channel\}, \{identifier\}\./],
  ])("refuses %s with one sentence naming the file and the key", (name, content, message) => {
    expect(() => loadReplies(undefined, repliesFile(name, content))).toThrow(message);
  });

  it("the shipped texts offer every key in every language, with only known placeholders", () => {
    const replies = loadReplies();
    expect([...replies.keys()]).toEqual(["en", "de", "ru"]);
    for (const templates of replies.values()) expect(Object.keys(templates).sort()).toEqual([...REPLY_KEYS].sort());
    for (const templates of replies.values()) expect(templates.pairing).toContain("{identifier}");
  });
});

describe("the open policy must be confirmed", () => {
  it("refuses whatsapp=open, saying to write whatsapp=open!; takes open!", () => {
    expect(() => parseDmPolicies("whatsapp=open")).toThrow(
      'Invalid --policy entry "whatsapp=open": open lets anyone on whatsapp talk to the assistant without the owner\'s approval; write whatsapp=open! to confirm.',
    );
    expect(() => parseDmPolicies("*=open", "GATEWAY_DM_POLICY")).toThrow(/write \*=open! to confirm/);
    expect([...parseDmPolicies("whatsapp=open!")]).toEqual([["whatsapp", "open"]]);
  });
});

describe("pairbot gateway, the shipped binary", { timeout: SPAWNS_TIMEOUT }, () => {
  it("tells a blocked or lately denied sender nothing in any reply mode, and files nothing", async () => {
    proc = await startGatewayProcess(["--replies", "whatsapp=full,signal=code-only,sms=silent"]);
    for (const channel of ["whatsapp", "signal", "sms"]) {
      await proc.owner.blockSender({ channel, senderId: "+4917000" }, "telegram:1");
      expect(await post(proc.httpUrl, channel, "+4917000")).toEqual({ delivered: false, reason: "blocked" });
      expect(await post(proc.httpUrl, channel, "+4917001")).toMatchObject({ reason: "pairing", created: true });
      await proc.owner.denyDm({ channel, codeOrSender: "+4917001" }, "telegram:1");
      expect(await post(proc.httpUrl, channel, "+4917001")).toEqual({ delivered: false, reason: "cooldown", until: expect.any(String) });
    }
    expect((await proc.owner.pending()).dm).toEqual([]);
  });

  it("does not start with --policy whatsapp=open, nor with a broken replies file, and says why in one sentence", async () => {
    const open = await pairbot(["gateway", "--port", "0", "--policy", "whatsapp=open"], { env: { STORE_PATH: path.join(folder.dir, "s.json") } });
    expect(open.code).not.toBe(0);
    expect(open.stderr).toContain("write whatsapp=open! to confirm");
    const file = repliesFile("broken.json", { ru: { code: "{kod}" } });
    const broken = await pairbot(["gateway", "--port", "0"], { env: { STORE_PATH: path.join(folder.dir, "s.json"), GATEWAY_REPLIES_FILE: file } });
    expect(broken.code).not.toBe(0);
    expect(broken.stderr.trim().split("\n")).toEqual([`GATEWAY_REPLIES_FILE ${file}: "ru.code" uses the unknown placeholder {kod}; it may use {channel}, {identifier}, {code}, {minutes}.`]);
  });

  it("warns of an open channel at start, and answers per --replies, GATEWAY_REPLIES and GATEWAY_REPLIES_FILE", async () => {
    const texts = repliesFile("texts.json", { en: { code: "{code} is the code for {identifier}" } });
    proc = await startGatewayProcess(["--policy", "sms=open!", "--replies", "whatsapp=silent"], { GATEWAY_REPLIES: "signal=code-only", GATEWAY_REPLIES_FILE: texts });
    expect(proc.output()).toContain("Warning: DM policy open on sms: anyone who writes there reaches the assistant without your approval.");
    expect(proc.proc.lines.find((l) => l.startsWith("DM channels:"))).toContain("replies: signal=code-only, whatsapp=silent, others=full");
    expect(await post(proc.httpUrl, "sms", "+4917000")).toEqual({ delivered: true });
    expect(await post(proc.httpUrl, "whatsapp", "+4917000")).toEqual({ delivered: false, reason: "pairing", created: true, expiresAt: expect.any(String) });
    const signal = await post(proc.httpUrl, "signal", "+4917000");
    expect(signal["reply"]).toBe(`${signal["code"]} is the code for +4917000`);
    expect((await proc.owner.pending()).dm).toHaveLength(2);
  });
});
