import { afterEach, describe, expect, it } from "vitest";
import { tempStore } from "../support/temp-store.js";

let cleanup: () => void = () => undefined;
afterEach(() => cleanup());

describe("store smoke", () => {
  it("issues a code, approves it, and the sender is allowed", async () => {
    const t = tempStore();
    cleanup = t.remove;
    const first = await t.store.requestDmPairing({ channel: "whatsapp", senderId: "+491701234567", name: "Ann" });
    expect(first.created).toBe(true);
    expect(first.code).toMatch(/^[A-HJ-NP-Z2-9]{8}$/);
    const again = await t.store.requestDmPairing({ channel: "whatsapp", senderId: "+491701234567" });
    expect(again).toMatchObject({ code: first.code, created: false });
    await t.store.approveDm({ channel: "whatsapp", codeOrSender: first.code!.toLowerCase() }, "cli");
    expect(await t.store.isAllowed("whatsapp", "+491701234567")).toBe(true);
    expect((await t.store.pending()).dm).toEqual([]);
  });
});
