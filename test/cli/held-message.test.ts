import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tempDir } from "../support/temp-store.js";
import { SPAWNS_TIMEOUT, assertBuilt, cliFor, parsed } from "./run-pairbot.js";

let folder: ReturnType<typeof tempDir>;
beforeAll(() => {
  assertBuilt();
  folder = tempDir("pairbot-cli-");
});
afterAll(() => folder.remove());

describe("pairbot dm request --message", { timeout: SPAWNS_TIMEOUT }, () => {
  it("holds what the sender wrote with the request, for the owner to read", async () => {
    const cli = cliFor(path.join(folder.dir, "held", "store.json"));
    const request = await cli(["dm", "request", "whatsapp", "+491701234567", "--name", "Ann", "--message", "Hello, I am your neighbour", "--locale", "de"]);
    expect(parsed(request)).toMatchObject({ created: true });
    const [pending] = parsed(await cli(["--json", "pairing", "list"])) as Record<string, unknown>[];
    expect(pending).toMatchObject({ senderId: "+491701234567", message: "Hello, I am your neighbour", locale: "de" });
  });
});
