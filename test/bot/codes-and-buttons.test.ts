import { afterEach, describe, expect, it } from "vitest";
import { botHarness, type BotHarness } from "../support/bot-harness.js";

let h: BotHarness;
afterEach(() => h.close());

const dmRequest = (senderId = "+491701234567") => h.store.requestDmPairing({ channel: "whatsapp", senderId, name: "Ann" });

describe("/pair approve and deny with a code as people type it", () => {
  it("takes the code in groups, with a dash or a space, alone or after the channel; a sender id with spaces too", async () => {
    h = await botHarness();
    const a = await dmRequest("+111111111");
    expect((await h.owner.sends(`/pair approve ${a.code!.slice(0, 4).toLowerCase()} ${a.code!.slice(4).toLowerCase()}`)).text).toContain("Approved Ann (+111111111) on whatsapp");
    const b = await dmRequest("+222222222");
    expect((await h.owner.sends(`/pair deny whatsapp ${a.code === b.code ? "" : `${b.code!.slice(0, 4)}-${b.code!.slice(4)}`}`)).text).toContain("Denied Ann (+222222222) on whatsapp");
    await dmRequest("+491701234567");
    expect((await h.owner.sends("/pair approve whatsapp +49 170 1234567")).text).toContain("Approved Ann (+491701234567) on whatsapp");
    expect(await h.store.isAllowed("whatsapp", "+491701234567")).toBe(true);
  });
});
