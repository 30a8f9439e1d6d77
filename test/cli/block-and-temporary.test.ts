import { describe, expect, it } from "vitest";
import { SPAWNS_TIMEOUT, cliStores, cliFor, parsed } from "./run-pairbot.js";

const storeIn = cliStores();

describe("pairbot block, unblock and pairing deny --block", { timeout: SPAWNS_TIMEOUT }, () => {
  it("a blocked sender gets no code until unblocked", async () => {
    const cli = cliFor(storeIn("block"));
    expect(await cli(["block", "whatsapp", "+49 170 1234567"])).toMatchObject({
      code: 0,
      stdout: "Blocked +491701234567 on whatsapp: no more codes or alerts from them (pairbot unblock to undo).\n",
    });
    expect(parsed(await cli(["dm", "request", "whatsapp", "+491701234567"]))).toEqual({ code: null, created: false, capped: false, expiresAt: null, blocked: true });
    expect(await cli(["unblock", "whatsapp", "491701234567"])).toMatchObject({ code: 0, stdout: "Unblocked +491701234567 on whatsapp: their next message gets a pairing code.\n" });
    expect(parsed(await cli(["dm", "request", "whatsapp", "+491701234567"]))).toMatchObject({ created: true });
    expect(await cli(["unblock", "whatsapp", "+15555550123"])).toMatchObject({ code: 1, stderr: "Sender +15555550123 is not blocked on whatsapp, so there is nothing to unblock; check the channel and the sender id.\n" });
  });

  it("deny --block blocks the sender; a plain deny makes them wait (dm.denyCooldown)", async () => {
    const cli = cliFor(storeIn("deny"));
    const first = parsed(await cli(["dm", "request", "signal", "+491701234567", "--name", "Eve"])) as { code: string };
    expect(await cli(["pairing", "deny", "signal", first.code, "--block"])).toMatchObject({
      code: 0,
      stdout: "Denied the pairing request of Eve (+491701234567) on signal and blocked the sender: no more codes or alerts from them.\n",
    });
    expect(parsed(await cli(["dm", "request", "signal", "+491701234567"]))).toMatchObject({ blocked: true, code: null });

    await cli(["dm", "request", "signal", "+442079460958"]);
    expect((await cli(["pairing", "deny", "signal", "+442079460958"])).code).toBe(0);
    const waiting = parsed(await cli(["dm", "request", "signal", "+442079460958"])) as { code: null; cooldownUntil: string };
    expect(waiting.code).toBeNull();
    expect(Date.parse(waiting.cooldownUntil) - Date.now()).toBeGreaterThan(23 * 3_600_000);
  });
});

describe("pairbot pairing approve --for and allowlist add --for", { timeout: SPAWNS_TIMEOUT }, () => {
  it("give access that ends by itself", async () => {
    const cli = cliFor(storeIn("for"));
    const { code } = parsed(await cli(["dm", "request", "whatsapp", "+491701234567", "--name", "Ann"])) as { code: string };
    expect(await cli(["pairing", "approve", "whatsapp", code, "--for", "24h"])).toMatchObject({
      code: 0,
      stdout: "Approved Ann (+491701234567) on whatsapp for 24h: they can message the assistant now.\n",
    });
    const added = parsed(await cli(["--json", "allowlist", "add", "telegram", "tg:42", "--for", "7d"])) as { senderId: string; until: string };
    expect(added.senderId).toBe("42");
    expect(Date.parse(added.until) - Date.now()).toBeGreaterThan(7 * 86_400_000 - 60_000);
    const listed = parsed(await cli(["--json", "allowlist", "list"])) as { senderId: string; until?: string }[];
    expect(listed.map((e) => [e.senderId, typeof e.until])).toEqual([["42", "string"], ["+491701234567", "string"]]);
    const table = (await cli(["allowlist", "list"])).stdout.split("\n");
    expect(table[0]).toMatch(/^CHANNEL +ACCOUNT +SENDER +NAME +ADDED +BY +UNTIL$/);
    expect(table[1]).toMatch(/^telegram +default +42 .* in 7 days$/);
    expect(await cli(["allowlist", "add", "telegram", "43", "--for", "a week"])).toMatchObject({
      code: 1,
      stderr: 'Invalid --for: "a week" is not a duration; write a number and a unit, like 10m, 1h, 24h or 7d.\n',
    });
  });
});
