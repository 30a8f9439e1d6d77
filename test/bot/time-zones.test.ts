import { afterEach, expect, it } from "vitest";
import { botHarness, type BotHarness } from "../support/bot-harness.js";

let h: BotHarness;
afterEach(() => h.close());

it("TIMEZONE sets the zone every time is shown in, named beside the time", async () => {
  h = await botHarness({ env: { TIMEZONE: "America/New_York" } });
  const [instructions] = await h.owner.sendsFor("/pair", 2);
  expect(instructions!.text).toContain("The code is valid until 07:10 EST (10 min).");
});

it("/pair timezone keeps the owner's own zone in the store; alerts, outcomes and setup codes show it", async () => {
  h = await botHarness({ notifier: true });
  expect((await h.owner.sends("/pair timezone")).text).toBe("Times are shown in UTC (it is 12:00 UTC there now). Change it with /pair timezone Area/City, for example /pair timezone Europe/Berlin.");
  expect((await h.owner.sends("/pair timezone europe/berlin")).text).toBe("Times are now shown in Europe/Berlin: it is 13:00 GMT+1 there.");
  expect((await h.store.ownerSettings(h.owner.user.id)).timeZone).toBe("Europe/Berlin");

  const [instructions] = await h.owner.sendsFor("/pair", 2);
  expect(instructions!.text).toContain("valid until 13:10 GMT+1 (10 min)");
  const dm = await h.store.requestDmPairing({ channel: "whatsapp", senderId: "+4917000001", name: "Jo" });
  const alert = await h.owner.sees((m) => m.text?.includes(dm.code!) ?? false);
  await h.store.approveDm({ codeOrSender: dm.code! }, "cli:ann");
  const edited = await h.owner.sees((m) => m.message_id === alert.message_id && (m.text?.includes("Approved") ?? false));
  expect(edited.text).toContain("✅ Approved by the command line (ann) at 13:00 GMT+1");
});

it("/pair timezone with a name that is no zone says what to write and keeps the old one", async () => {
  h = await botHarness();
  expect((await h.owner.sends("/pair timezone Berlin")).text).toBe("Berlin is not a time zone name. Use Area/City, for example Europe/Berlin, America/New_York or UTC.");
  expect((await h.owner.sends("/pair timezone Europe Berlin")).text).toBe("Usage: /pair timezone or /pair timezone <Area/City>");
  expect((await h.store.ownerSettings(h.owner.user.id)).timeZone).toBeUndefined();
});
