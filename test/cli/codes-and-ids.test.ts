import { describe, expect, it } from "vitest";
import { SPAWNS_TIMEOUT, cliStores, cliFor, parsed } from "./run-pairbot.js";

const storeIn = cliStores();

describe("codes and sender ids as people write them", { timeout: SPAWNS_TIMEOUT }, () => {
  it("approves and denies a code written in groups, and finds a number however it is written", async () => {
    const cli = cliFor(storeIn("codes"));
    const { code } = parsed(await cli(["dm", "request", "signal", "+49 170 1234567"])) as { code: string };
    const grouped = `${code.slice(0, 4)}-${code.slice(4)}`;
    expect(await cli(["pairing", "approve", "signal", grouped])).toMatchObject({ code: 0, stdout: "Approved +491701234567 on signal: they can message the assistant now.\n" });
    expect((await cli(["allowed", "signal", "0049 170 123 4567"])).code).toBe(0);

    const second = parsed(await cli(["dm", "request", "signal", "+44 20 7946 0958"])) as { code: string };
    const spaced = `${second.code.slice(0, 4)} ${second.code.slice(4)}`.toLowerCase();
    expect(await cli(["pairing", "deny", "signal", spaced])).toMatchObject({ code: 0, stdout: "Denied the pairing request of +442079460958 on signal.\n" });

    expect(await cli(["allowlist", "add", "whatsapp", "+1 555 555 0123"])).toMatchObject({ code: 0 });
    for (const id of ["15555550123", "+1-555-555-0123", "whatsapp:+15555550123"]) expect((await cli(["allowed", "whatsapp", id])).code).toBe(0);
    expect(await cli(["allowlist", "remove", "whatsapp", "1 (555) 555-0123"])).toMatchObject({ code: 0 });
    expect((await cli(["allowed", "whatsapp", "+15555550123"])).code).toBe(1);
  });
});
