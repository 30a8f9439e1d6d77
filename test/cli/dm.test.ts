import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { CLI_ACTOR } from "../../src/cli/actor.js";
import { PairingStore } from "../../src/store/index.js";
import { SPAWNS_TIMEOUT, cliStores, cliFor, escapeRegExp, parsed } from "./run-pairbot.js";

const storeIn = cliStores();

describe("pairbot dm request / pairing", { timeout: SPAWNS_TIMEOUT }, () => {
  it("runs a sender from request to approval to revocation", async () => {
    const file = storeIn("dm-flow");
    const cli = cliFor(file);

    const empty = await cli(["pairing", "list"]);
    expect(empty).toMatchObject({ code: 0, stdout: "No pending pairing requests.\n", stderr: "" });
    expect(existsSync(file)).toBe(false); // listing never creates the store

    const first = await cli(["dm", "request", "whatsapp", "+491701234567", "--name", "Ann", "--meta", '{"chat":"private"}']);
    expect(first.code).toBe(0);
    const request = parsed(first) as { code: string; expiresAt: string };
    expect(request).toEqual({ code: expect.stringMatching(/^[A-HJ-NP-Z2-9]{8}$/), created: true, capped: false, expiresAt: expect.any(String) });
    expect(Date.parse(request.expiresAt) - Date.now()).toBeGreaterThan(55 * 60_000);

    const again = await cli(["dm", "request", "whatsapp", "+491701234567"]);
    expect(parsed(again)).toEqual({ ...request, created: false });

    const listJson = await cli(["--json", "pairing", "list"]);
    expect(parsed(listJson)).toEqual([
      expect.objectContaining({ channel: "whatsapp", account: "default", senderId: "+491701234567", name: "Ann", meta: { chat: "private" }, code: request.code }),
    ]);

    const table = (await cli(["pairing", "list", "whatsapp"])).stdout.split("\n");
    expect(table[0]).toMatch(/^CODE {6}CHANNEL {3}ACCOUNT {2}SENDER {9}NAME {2}REQUESTED +EXPIRES$/);
    expect(table[1]).toContain(`${request.code}  whatsapp  default  +491701234567  Ann`);
    expect(table[1]).toMatch(/in (59|60) minutes$/);
    expect((await cli(["pairing", "list", "signal"])).stdout).toBe("No pending pairing requests on signal.\n");

    const wrong = request.code === "AB3D7X9K" ? "AB3D7X9M" : "AB3D7X9K";
    const miss = await cli(["pairing", "approve", "whatsapp", wrong]);
    expect(miss).toMatchObject({ code: 1, stdout: "", stderr: `No pending pairing request found for code: ${wrong}; it may be used or expired already, so check the code against the pending requests.\n` });

    const approved = await cli(["pairing", "approve", "whatsapp", request.code.toLowerCase()]);
    expect(approved).toMatchObject({ code: 0, stdout: "Approved Ann (+491701234567) on whatsapp: they can message the assistant now.\n" });

    const yes = await cli(["allowed", "whatsapp", "+491701234567"]);
    expect(yes).toMatchObject({ code: 0, stdout: "yes\n" });
    const no = await cli(["allowed", "whatsapp", "+499999", "--json"]);
    expect(no.code).toBe(1);
    expect(parsed(no)).toEqual({ allowed: false });

    const known = await cli(["dm", "request", "whatsapp", "+491701234567"]);
    expect(parsed(known)).toEqual({ code: null, created: false, capped: false, expiresAt: null, allowed: true });

    expect(await cli(["pairing", "revoke", "whatsapp", "+491701234567"])).toMatchObject({
      code: 0,
      stdout: "Revoked +491701234567 on whatsapp: they can no longer message the assistant.\n",
    });
    expect((await cli(["allowed", "whatsapp", "+491701234567"])).code).toBe(1);
    expect(await cli(["pairing", "revoke", "whatsapp", "+491701234567"])).toMatchObject({
      code: 1,
      stderr: "Sender +491701234567 is not on the allowlist of whatsapp, so there is nothing to take off; check the channel and the sender id.\n",
    });

    const audit = parsed(await cli(["audit", "--json"])) as { action: string; actor: string }[];
    expect(audit.map((e) => `${e.action} ${e.actor}`)).toEqual([`request ${CLI_ACTOR}`, `approve ${CLI_ACTOR}`, `revoke ${CLI_ACTOR}`]);
  });

  it("denies by sender id, and takes a negative chat id as an argument", async () => {
    const cli = cliFor(storeIn("deny"));
    expect(parsed(await cli(["dm", "request", "telegram", "-100123", "--account", "work"]))).toMatchObject({ created: true });
    const denied = await cli(["pairing", "deny", "telegram", "-100123", "--json"]);
    expect(denied.code).toBe(0);
    expect(parsed(denied)).toMatchObject({ channel: "telegram", account: "work", senderId: "-100123" });
    expect(parsed(await cli(["pairing", "list", "--json"]))).toEqual([]);
    expect((await cli(["allowed", "telegram", "-100123", "--account", "work"])).stdout).toBe("no\n");
  });

  it("says capped, with no code, once a channel has its maximum of pending requests", async () => {
    const file = storeIn("cap");
    const store = new PairingStore({ file });
    for (const sender of ["a", "b", "c"]) await store.requestDmPairing({ channel: "sms", senderId: sender });
    const capped = await cliFor(file)(["dm", "request", "sms", "d"]);
    expect(capped.code).toBe(0);
    expect(parsed(capped)).toEqual({ code: null, created: false, capped: true, expiresAt: null });
  });

  it("refuses a misspelt channel with the field and the reason, also as a filter", async () => {
    const cli = cliFor(storeIn("invalid"));
    const run = await cli(["allowed", "WhatsApp", "+49"]);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe('Invalid channel: "WhatsApp" may contain only lowercase letters, digits, "_" and "-" (for example: whatsapp).\n');
    expect(await cli(["pairing", "list", "WhatsApp"])).toMatchObject({ code: 1, stderr: run.stderr });
  });
});

describe("pairbot allowlist", { timeout: SPAWNS_TIMEOUT }, () => {
  it("adds, lists and removes senders per account", async () => {
    const cli = cliFor(storeIn("allowlist"));
    expect(await cli(["allowlist", "add", "signal", "bob", "--name", "Bob", "--account", "work"])).toMatchObject({
      code: 0,
      stdout: "Added bob to the allowlist of signal (account work).\n",
    });
    await cli(["allowlist", "add", "matrix", "@carol:example.org"]);

    const entries = parsed(await cli(["allowlist", "list", "--json"]));
    expect(entries).toEqual([
      { channel: "matrix", account: "default", senderId: "@carol:example.org", addedAt: expect.any(String), addedBy: CLI_ACTOR },
      { channel: "signal", account: "work", senderId: "bob", name: "Bob", addedAt: expect.any(String), addedBy: CLI_ACTOR },
    ]);
    const lines = (await cli(["allowlist", "list", "signal"])).stdout.split("\n");
    expect(lines[0]).toMatch(/^CHANNEL +ACCOUNT +SENDER +NAME +ADDED +BY$/);
    expect(lines[1]).toMatch(new RegExp(`^signal +work +bob +Bob +(just now|\\d+ seconds ago) +${escapeRegExp(CLI_ACTOR)}$`));
    expect(lines).toHaveLength(3);

    expect((await cli(["allowlist", "remove", "signal", "bob"])).stderr).toBe("Sender bob is not on the allowlist of signal, so there is nothing to take off; check the channel and the sender id.\n");
    expect(await cli(["allowlist", "remove", "signal", "bob", "--account", "work"])).toMatchObject({ code: 0 });
    expect((await cli(["allowlist", "list", "signal"])).stdout).toBe("The allowlist of signal is empty.\n");
  });
});
