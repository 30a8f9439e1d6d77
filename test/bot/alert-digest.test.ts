import { afterEach, describe, expect, it } from "vitest";
import { botHarness, type BotHarness } from "../support/bot-harness.js";
import { ANN, notifierHarness, type NotifierHarness } from "../support/notifier-harness.js";
import type { BotMessage } from "../support/fake-telegram/index.js";

let h: BotHarness | undefined;
let n: NotifierHarness | undefined;
afterEach(async () => {
  await h?.close();
  await n?.close();
  h = undefined;
  n = undefined;
});

const harness = async () => (h = await botHarness({ notifier: true }));
const isAlert = (m: BotMessage) => /pairing request/.test(m.text ?? "");
const dataOf = (m: BotMessage) => m.buttons.map((b) => ("callback_data" in b ? b.callback_data : undefined));

describe("a burst of requests", () => {
  it("10 requests written at once reach the owner in at most 2 messages, each with its own line and Approve / Deny", async () => {
    const h = await harness();
    const dms = await Promise.all(Array.from({ length: 10 }, (_, i) => h.store.requestDmPairing({ channel: `chan${i}`, senderId: `+49170000${i}`, name: `Sender ${i}` })));
    const alerts = () => h.owner.messages().filter(isAlert);
    await h.owner.sees(() => dms.every((dm) => alerts().some((m) => m.text!.includes(dm.code!))));

    expect(alerts().length).toBeLessThanOrEqual(2);
    for (const dm of dms) {
      expect(alerts().filter((m) => m.text!.includes(dm.code!))).toHaveLength(1);
      expect(alerts().flatMap(dataOf)).toEqual(expect.arrayContaining([`dm:ok:${dm.id}`, `dm:no:${dm.id}`]));
    }
    const digest = alerts().at(-1)!;
    const lines = digest.text!.split("\n").slice(1);
    expect(digest.text!.split("\n")[0]).toBe(`${lines.length} new pairing requests`);
    expect(lines[0]).toMatch(/^1\. Sender \d \(\+49170000\d\) on chan\d, code [A-Z2-9]{8} · expires in about 1 hour$/);
    expect(digest.buttons.map((b) => b.text).slice(0, 4)).toEqual(["Approve 1", "Deny 1", "Approve 2", "Deny 2"]);
  });

  it("a digest's button decides its own request; the digest then shows that line's outcome and keeps the others' buttons", async () => {
    const h = await harness();
    const dms = await Promise.all(Array.from({ length: 4 }, (_, i) => h.store.requestDmPairing({ channel: `signal${i}`, senderId: `+100${i}`, name: `N${i}` })));
    const digest = await h.owner.sees((m) => isAlert(m) && m.text!.startsWith("4 new pairing requests"));
    const second = digest.text!.split("\n")[2]!;
    const sender = /\((\+100\d)\)/.exec(second)![1]!;

    expect(await h.owner.taps(digest, "Approve 2")).toBe("✅ Approved by you at 12:00 UTC");
    const edited = await h.owner.sees((m) => m.message_id === digest.message_id && m.text!.includes("Approved by you"));
    const i = sender.at(-1);
    expect(edited.text!.split("\n")[2]).toBe(`2. N${i} (${sender}) on signal${i}, code ${dms[Number(i)]!.code}: ✅ Approved by you at 12:00 UTC`);
    expect(edited.buttons.map((b) => b.text)).toEqual(["Approve 1", "Deny 1", "Approve 3", "Deny 3", "Approve 4", "Deny 4"]);
    expect(await h.store.isAllowed(`signal${i}`, sender)).toBe(true);
    expect((await h.store.pending()).dm).toHaveLength(3);
  });
});

describe("Telegram's limits", () => {
  it("long names split a burst over messages within 4,096 characters and 100 buttons, and every digest can still be edited to its outcomes", { timeout: 30_000 }, async () => {
    n = await notifierHarness({ policy: { maxPendingTotal: 100 } });
    await n.start();
    const name = "N".repeat(60);
    const dms = await Promise.all(Array.from({ length: 40 }, (_, i) => n!.requestDm(`+4917${String(i).padStart(8, "0")}`, `channel${i}`, `${name}${i}`)));
    await expect.poll(() => dms.every((dm) => n!.messages(ANN).some((m) => m.text?.includes(dm.code))), { timeout: 15_000 }).toBe(true);
    const digests = n.messages(ANN);
    expect(digests.length).toBeGreaterThan(1);
    for (const m of digests) {
      expect(m.text!.length).toBeLessThanOrEqual(4096);
      expect(m.buttons.length).toBeLessThanOrEqual(100);
    }

    for (const dm of dms) await n.gateway.denyDm({ codeOrSender: dm.code }, "cli");
    await expect.poll(() => n!.messages(ANN).every((m) => m.buttons.length === 0), { timeout: 15_000 }).toBe(true);
    const outcomes = n.messages(ANN).map((m) => m.text!.match(/Denied by the command line/g)?.length ?? 0);
    expect(outcomes.reduce((a, b) => a + b)).toBe(40); // every request's line shows how it ended
    expect(n.logger.lines.filter((l) => l.level !== "info")).toEqual([]);
    await expect.poll(async () => (await n!.store.read()).notifications).toEqual({});
  });
});

describe("the chat's slot", () => {
  it("the first alert goes at once; what arrives while the slot is closed comes as one digest when it opens", async () => {
    n = await notifierHarness({ newMessageGapMs: 2000 }); // a wide slot, so a busy machine writes all three inside it
    await n.start();
    const first = await n.requestDm("+4917000001", "whatsapp", "Ann");
    const alert = await n.waitForText(ANN, first.code);
    expect(alert.text).toMatch(/^DM pairing request\n/);
    const later = [await n.requestDm("+4917000002", "signal", "Ben"), await n.requestDm("+4917000003", "telegram", "Cy"), await n.requestDm("+4917000004", "slack", "Di")];
    const digest = await n.waitForText(ANN, "3 new pairing requests");
    for (const dm of later) expect(digest.text).toContain(dm.code);
    await expect.poll(() => n!.sends(ANN).length).toBe(2);
    expect(n.messages(ANN)).toHaveLength(2);
  });
});

describe("order in a chat", () => {
  it("new alerts go before outcome edits", async () => {
    n = await notifierHarness();
    const notifier = await n.start();
    const first = await n.requestDm("+4917000001");
    await n.waitForText(ANN, first.code);
    await notifier.stop();
    await n.gateway.approveDm({ codeOrSender: first.code }, "cli");
    const second = await n.requestDm("+4917000002");
    const mark = n.telegram.calls.length;
    await n.start();
    const calls = () => n!.telegram.calls.slice(mark).filter((c) => c.method === "sendMessage" || c.method === "editMessageText");
    await expect.poll(() => calls().map((c) => c.method)).toEqual(["sendMessage", "editMessageText"]);
    expect(String(calls()[0]!.params["text"])).toContain(second.code);
  });
});
