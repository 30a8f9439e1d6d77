import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import { ANN, BOB, notifierHarness, type NotifierHarness } from "../support/notifier-harness.js";
import { deviceHello, issueSetupCode, newDeviceKey } from "../support/store-devices.js";
import { TestClock } from "../support/temp-store.js";

const run = promisify(execFile);
let h: NotifierHarness;
afterEach(async () => h.close());

describe("push notifications for new requests", () => {
  it("alerts the owner of a DM request filed by another process, with Approve and Deny", async () => {
    h = await notifierHarness();
    await h.start();
    const { stdout } = await run(process.execPath, ["bin/pairbot.js", "--store", h.file, "dm", "request", "whatsapp", "+4917012345", "--name", "Ann <x>"]);
    const { code } = JSON.parse(stdout) as { code: string };

    const alert = await h.waitForText(ANN, code);
    expect(alert.text).toContain("+4917012345");
    expect(alert.text).toContain("Name: Ann <x>"); // escaped in the HTML, shown as typed
    expect(alert.parse_mode).toBe("HTML");
    expect(alert.buttons.map((b) => b.text)).toEqual(["Approve", "Deny", "Approve for 24 h", "Deny & block"]);
    const recorded = async () => {
      const doc = await h.store.read();
      return doc.notifications[`dm:${doc.dm.requests[0]!.id}`]?.[String(ANN.id)];
    };
    await expect.poll(recorded).toMatchObject({ chatId: ANN.id, messageId: alert.message_id });
  });

  it("edits the alert when the request is approved elsewhere: outcome shown, buttons gone, record forgotten", async () => {
    h = await notifierHarness();
    await h.start();
    const dm = await h.requestDm("+4917012345");
    const alert = await h.waitForText(ANN, dm.code);

    await h.gateway.approveDm({ codeOrSender: dm.code }, "cli");
    const edited = await h.telegram.waitForMessage(ANN.id, (m) => m.message_id === alert.message_id && (m.text ?? "").includes("Approved by the command line"));
    expect(edited.buttons).toEqual([]);
    await expect.poll(async () => (await h.store.read()).notifications).toEqual({});
    expect(h.messages(ANN)).toHaveLength(1);
  });

  it("alerts each owner with notifications on, and none with them off", async () => {
    h = await notifierHarness({ owners: [ANN, BOB] });
    await h.store.setNotify(ANN.id, false);
    await h.start();
    const first = await h.requestDm("+4917000001");
    await h.waitForText(BOB, first.code);
    await h.store.setNotify(BOB.id, false);
    await h.store.setNotify(ANN.id, true);
    const second = await h.requestDm("+4917000002");
    await h.waitForText(ANN, second.code);

    // Turning notifications on brings the alerts for what is still pending: Ann gets both.
    await h.waitForText(ANN, first.code);
    expect(h.messages(BOB).map((m) => m.text)).toEqual([expect.stringContaining(first.code)]);
  });

  it("alerts once for a device that keeps retrying, and replaces the alert of a superseded request", async () => {
    h = await notifierHarness();
    await h.start();
    const setup = await issueSetupCode(h.gateway, "operator");
    const key = newDeviceKey();
    const hello = deviceHello(setup.bootstrapToken, key, "operator", ["operator.read"]);
    const first = await h.gateway.requestDevicePairing(hello);
    for (let i = 0; i < 5; i++) await h.gateway.requestDevicePairing(hello);
    if (first.status !== "pending") throw new Error("expected a pending device request");
    const alert = await h.waitForText(ANN, "Kitchen tablet");
    expect(alert.buttons.map((b) => b.text)).toEqual(["Approve", "Deny"]);

    // Asking again with more scopes is a new question: the old alert says so, and a new one comes.
    const wider = await h.gateway.requestDevicePairing({ ...hello, scopes: ["operator.read", "operator.write"] });
    if (wider.status !== "pending") throw new Error("expected a pending device request");
    expect(wider.requestId).not.toBe(first.requestId);
    await h.telegram.waitForMessage(ANN.id, (m) => m.message_id === alert.message_id && (m.text ?? "").includes("Replaced at"));
    const second = await h.telegram.waitForMessage(ANN.id, (m) => m.message_id !== alert.message_id);
    expect(second.buttons.map((b) => b.text)).toEqual(["Approve", "Deny"]);
    await expect.poll(() => h.sends(ANN).length).toBe(2);
  });
});

describe("expiry", () => {
  it("edits the alert of a request that expired, once the store is pruned", async () => {
    const clock = new TestClock();
    h = await notifierHarness({ clock: clock.fn, policy: { dmTtlMs: 60_000 } });
    await h.start();
    const dm = await h.requestDm("+4917012345");
    const alert = await h.waitForText(ANN, dm.code);

    clock.advance(60_000);
    await h.gateway.prune();
    const edited = await h.telegram.waitForMessage(ANN.id, (m) => m.message_id === alert.message_id && (m.text ?? "").includes("Expired at"));
    expect(edited.buttons).toEqual([]);
  });

  it("prunes by itself when the next request expires (one timer, real clock)", async () => {
    h = await notifierHarness({ policy: { dmTtlMs: 700 } });
    await h.start();
    const dm = await h.requestDm("+4917012345");
    const alert = await h.waitForText(ANN, dm.code);

    await h.telegram.waitForMessage(ANN.id, (m) => m.message_id === alert.message_id && (m.text ?? "").includes("Expired at"));
    expect((await h.gateway.audit()).filter((e) => e.action === "expire")).toHaveLength(1);
  });
});
