import { describe, expect, it } from "vitest";
import { SPAWNS_TIMEOUT, cliStores, cliFor, parsed } from "./run-pairbot.js";

const storeIn = cliStores();

describe("pairbot dm request --message", { timeout: SPAWNS_TIMEOUT }, () => {
  it("holds what the sender wrote with the request, for the owner to read", async () => {
    const cli = cliFor(storeIn("held"));
    const request = await cli(["dm", "request", "whatsapp", "+491701234567", "--name", "Ann", "--message", "Hello, I am your neighbour", "--locale", "de"]);
    expect(parsed(request)).toMatchObject({ created: true });
    const [pending] = parsed(await cli(["--json", "pairing", "list"])) as Record<string, unknown>[];
    expect(pending).toMatchObject({ senderId: "+491701234567", message: "Hello, I am your neighbour", locale: "de" });
  });
});
