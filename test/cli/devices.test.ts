import { describe, expect, it } from "vitest";
import { CLI_ACTOR } from "../../src/cli/actor.js";
import { PairingStore, decodeSetupCode } from "../../src/store/index.js";
import { deviceHello, issueSetupCode, newDeviceKey } from "../support/store-devices.js";
import { SPAWNS_TIMEOUT, cliStores, cliFor, escapeRegExp, parsed } from "./run-pairbot.js";

const storeIn = cliStores();

/** A device that used a setup code and now waits for the owner. */
async function pendingDevice(store: PairingStore) {
  const setup = await issueSetupCode(store);
  const request = await store.requestDevicePairing(deviceHello(setup.bootstrapToken, newDeviceKey()));
  if (request.status !== "pending") throw new Error("expected a pending device request");
  return request;
}

describe("pairbot setup-code", { timeout: SPAWNS_TIMEOUT }, () => {
  it("issues a code for the gateway in GATEWAY_URL, or says how to name one", async () => {
    const cli = cliFor(storeIn("setup"));
    const missing = await cli(["setup-code"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe(
      "No gateway URL: pass --url ws://HOST:PORT (several separated by commas) or set GATEWAY_URL.\nUsage: pairbot setup-code [--url URL[,URL...]] [--role node|operator]\n",
    );

    const bad = await cli(["setup-code", "--url", "http://192.168.1.20:18789"]);
    expect(bad).toMatchObject({ code: 1, stdout: "" });
    expect(bad.stderr).toBe('Invalid gateway URL "http://192.168.1.20:18789": it must start with ws:// or wss://, like ws://192.168.1.20:18789.\n');
    const withSecret = await cli(["setup-code", "--url", "wss://ann:hunter2@gw.example.com"]);
    expect(withSecret).toMatchObject({ code: 1, stdout: "" });
    expect(withSecret.stderr).toBe("Invalid gateway URL: it must not contain a user, password, query or fragment (setup codes carry no secret but the bootstrap token); write it like wss://gateway.example.com.\n");
    const tooMany = await cli(["setup-code", "--url", Array.from({ length: 9 }, (_, i) => `wss://gw${i}.example.com`).join(",")]);
    expect(tooMany.stderr).toBe("Too many gateway URLs (9): a setup code carries at most 8, so give fewer.\n");
    expect(parsed(await cli(["devices", "list", "--json"]))).toMatchObject({ setupCodes: [] });

    const issued = await cli(["setup-code", "--json", "--role", "operator"], { GATEWAY_URL: "wss://gw.example.com, wss://192.168.1.20:18789" });
    expect(issued.code).toBe(0);
    const body = parsed(issued) as { setupCode: string; url: string; urls: string[]; expiresAt: string };
    expect(body).toMatchObject({ url: "wss://gw.example.com", urls: ["wss://gw.example.com", "wss://192.168.1.20:18789"], access: "full", role: "operator" });
    expect(decodeSetupCode(body.setupCode, Date.now())).toMatchObject({ url: "wss://gw.example.com", urls: body.urls, access: "full", expiresAt: body.expiresAt });

    // A LAN address over plain ws:// limits the code to a node, and says so.
    const lan = await cli(["setup-code", "--role", "operator", "--url", "ws://192.168.1.20:18789,wss://gw.example.com"]);
    expect(decodeSetupCode(lan.stdout)).toMatchObject({ urls: ["ws://192.168.1.20:18789", "wss://gw.example.com"], access: "limited" });
    expect(lan.stderr).toContain("Setup code for a node on ws://192.168.1.20:18789, wss://gw.example.com (limited: plain ws:// pairs only a node with no scopes)");
    expect(lan.stderr).toContain("Plain ws:// was limited for safety: use wss:// to pair an operator device.");

    const open = await cli(["setup-code", "--url", "ws://gw.example.com:18789"]);
    expect(open).toMatchObject({ code: 1, stdout: "" });
    expect(open.stderr).toMatch(/plain ws:\/\/ would carry device tokens unencrypted across the internet; use wss:\/\//);

    const human = await cli(["setup-code", "--url", "wss://gw.example.com"]);
    expect(decodeSetupCode(human.stdout).url).toBe("wss://gw.example.com"); // stdout is the code alone, for $(...)
    expect(human.stderr).toMatch(/^Setup code for a node on wss:\/\/gw\.example\.com; single use, expires in 10 minutes\./);

    expect((await cli(["setup-code", "--url", "ws://h:1", "--role", "admin"])).stderr).toMatch(/^--role must be node or operator, not "admin"\.\n/);
  });
});

describe("pairbot devices", { timeout: SPAWNS_TIMEOUT }, () => {
  it("lists, approves, rejects, revokes and cleans up, never showing a hash", async () => {
    const file = storeIn("devices");
    const store = new PairingStore({ file });
    const approveMe = await pendingDevice(store);
    const rejectMe = await pendingDevice(store);
    await issueSetupCode(store); // never used: cleanup voids it
    const cli = cliFor(file);

    const listing = await cli(["devices", "list", "--json"]);
    expect(listing.stdout).not.toMatch(/"(hash|tokenHash)"/);
    const shape = parsed(listing) as { pending: { requestId: string }[]; paired: unknown[]; setupCodes: unknown[] };
    expect(Object.keys(shape)).toEqual(["pending", "paired", "setupCodes"]);
    expect(shape.pending.map((r) => r.requestId).sort()).toEqual([approveMe.requestId, rejectMe.requestId].sort());
    expect(shape.setupCodes).toHaveLength(3);

    const human = (await cli(["devices", "list"])).stdout;
    expect(human).toContain("Pending device requests:\n  REQUEST ");
    expect(human).toContain(`  ${approveMe.requestId}  Kitchen tablet  android   node  -       192.168.1.31  `);
    expect(human).toMatch(/  192\.168\.1\.31 +(just now|\d+ seconds ago) +in 10 minutes\n/);
    expect(human).toContain("No paired devices.");
    expect(human).toContain("Unused setup codes: 1 (the last expires in 10 minutes). To void them: pairbot devices cleanup");

    const approved = await cli(["devices", "approve", approveMe.requestId, "--json"]);
    expect(approved.code).toBe(0);
    expect(parsed(approved)).toMatchObject({ deviceId: approveMe.deviceId, name: "Kitchen tablet", approvedBy: CLI_ACTOR, tokenIssued: false });
    expect(await cli(["devices", "approve", approveMe.requestId])).toMatchObject({ code: 1, stdout: "" });

    expect((await cli(["devices", "reject", rejectMe.requestId])).stdout).toBe("Rejected Kitchen tablet (android); the setup code it used no longer works.\n");
    expect((await cli(["devices", "list"])).stdout).toMatch(
      new RegExp(`No pending device requests\\.\\n\\nPaired devices:\\n  DEVICE .*\\n  \\S+ +Kitchen tablet +android +node +- +(just now|\\d+ seconds ago) +${escapeRegExp(CLI_ACTOR)} +waiting\\n`),
    );

    expect(parsed(await cli(["devices", "cleanup", "--json"]))).toEqual({ voided: 1 });
    expect((await cli(["devices", "cleanup"])).stdout).toBe("No setup codes to void.\n");

    expect((await cli(["devices", "revoke", approveMe.deviceId])).stdout).toBe(`Revoked device ${approveMe.deviceId} (Kitchen tablet); its token no longer works.\n`);
    expect(await cli(["devices", "revoke", approveMe.deviceId])).toMatchObject({ code: 1, stderr: `No paired device found with id: ${approveMe.deviceId}; it may be revoked already, so check the id against the paired devices.\n` });

    const audit = (await cli(["audit"])).stdout.split("\n");
    expect(audit[0]).toMatch(/^TIME \(UTC\) +WHEN +ACTION +ACTOR +SUBJECT$/);
    const mine = audit.filter((line) => line.includes(` ${CLI_ACTOR} `)).map((line) => line.split(/ {2,}/)[2]);
    expect(mine).toEqual(["approve", "reject", "cleanup", "revoke"]);
  });
});
