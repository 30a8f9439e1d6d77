import { afterEach, describe, expect, it } from "vitest";
import { planJobs } from "../../src/bot/notifier/plan.js";
import { nextExpiry, type RequestCard } from "../../src/store/index.js";
import { deviceHello, issueSetupCode, newDeviceKey } from "../support/store-devices.js";
import { tempStore } from "../support/temp-store.js";

const ANN = 111;
const BOB = 222;
const sent = (messageId: number, chatId = ANN) => ({ chatId, messageId, sentAt: "2026-11-21T12:00:00.000Z" });

let t: ReturnType<typeof tempStore>;
afterEach(() => t.remove());

describe("planning notifications from one snapshot of the store", () => {
  it("alerts every owner with notifications on, once per request", async () => {
    t = tempStore();
    const dm = await t.store.requestDmPairing({ channel: "whatsapp", senderId: "+491" });
    await t.store.setNotify(BOB, false);

    const jobs = planJobs(await t.store.read(), [ANN, BOB], new Map());
    expect(jobs.map((j) => [j.type, j.key, j.chatId])).toEqual([["alert", `dm:${dm.id}`, ANN]]);

    await t.store.recordNotification(`dm:${dm.id}`, ANN, sent(7));
    expect(planJobs(await t.store.read(), [ANN, BOB], new Map())).toEqual([]);
  });

  it("alerts device requests too, and a device asking again with the same request adds nothing", async () => {
    t = tempStore();
    const setup = await issueSetupCode(t.store);
    const key = newDeviceKey();
    const first = await t.store.requestDevicePairing(deviceHello(setup.bootstrapToken, key));
    const again = await t.store.requestDevicePairing(deviceHello(setup.bootstrapToken, key));
    if (first.status !== "pending" || again.status !== "pending") throw new Error("expected pending requests");

    const jobs = planJobs(await t.store.read(), [ANN], new Map());
    expect(jobs.map((j) => j.key)).toEqual([`device:${first.requestId}`]);
    expect(again.requestId).toBe(first.requestId);
  });

  it("edits each recorded alert of an ended request, with the audit entry that ended it", async () => {
    t = tempStore();
    const dm = await t.store.requestDmPairing({ channel: "whatsapp", senderId: "+491" });
    const before = await t.store.read();
    const card: RequestCard = { kind: "dm", request: before.dm.requests[0]! };
    await t.store.recordNotification(`dm:${dm.id}`, ANN, sent(7));
    await t.store.recordNotification(`dm:${dm.id}`, BOB, sent(9, BOB));
    await t.store.approveDm({ codeOrSender: dm.code! }, "telegram:222");

    const jobs = planJobs(await t.store.read(), [ANN, BOB], new Map([[`dm:${dm.id}`, card]]));
    expect(jobs).toEqual([
      expect.objectContaining({ type: "outcome", chatId: ANN, card, sent: sent(7), outcome: expect.objectContaining({ action: "approve", actor: "telegram:222" }) }),
      expect.objectContaining({ type: "outcome", chatId: BOB, card, sent: sent(9, BOB) }),
    ]);
  });

  it("still edits an alert whose request it never saw in full, naming it by kind and id", async () => {
    t = tempStore();
    const dm = await t.store.requestDmPairing({ channel: "whatsapp", senderId: "+491" });
    await t.store.recordNotification(`dm:${dm.id}`, ANN, sent(7));
    await t.store.denyDm({ codeOrSender: dm.code! }, "cli");

    const [job] = planJobs(await t.store.read(), [ANN], new Map());
    expect(job).toMatchObject({ type: "outcome", card: { kind: "dm", id: dm.id }, outcome: { action: "deny", actor: "cli" } });
  });

  it("clears a setup-code message once its code is gone, not before", async () => {
    t = tempStore();
    const setup = await issueSetupCode(t.store);
    await t.store.recordNotification(`setup:${setup.tokenId}`, ANN, sent(5));
    expect(planJobs(await t.store.read(), [ANN], new Map())).toEqual([]);

    await t.store.cleanupSetupCodes("telegram:111");
    const [job] = planJobs(await t.store.read(), [ANN], new Map());
    expect(job).toMatchObject({ type: "clear-setup", chatId: ANN, sent: sent(5), outcome: { action: "cleanup" } });
  });

  it("treats a request past its expiry as ended, shown as expired by the clock", async () => {
    t = tempStore({ policy: { dmTtlMs: 60_000 } });
    const dm = await t.store.requestDmPairing({ channel: "whatsapp", senderId: "+491" });
    await t.store.recordNotification(`dm:${dm.id}`, ANN, sent(7));
    t.clock.advance(60_000);

    const [job] = planJobs(await t.store.read(), [ANN], new Map());
    expect(job).toMatchObject({ type: "outcome", outcome: { action: "expire", actor: "clock" } });
  });

  it("knows when the next request or unused setup code expires", async () => {
    t = tempStore({ policy: { dmTtlMs: 60_000, bootstrapTtlMs: 30_000 } });
    expect(nextExpiry(await t.store.read())).toBeUndefined();
    await t.store.requestDmPairing({ channel: "whatsapp", senderId: "+491" });
    expect(nextExpiry(await t.store.read())).toBe(t.clock.now + 60_000);
    await issueSetupCode(t.store);
    expect(nextExpiry(await t.store.read())).toBe(t.clock.now + 30_000);
  });
});
