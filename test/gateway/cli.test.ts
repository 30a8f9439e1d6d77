import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { CliContext } from "../../src/cli/context.js";
import { runCli } from "../../src/cli/run.js";
import { storeChoice } from "../../src/cli/store-source.js";
import { connectDevice, pairDevice } from "../../src/node/pairing.js";
import { createGateway } from "../../src/gateway/server.js";
import { encodeSetupCode } from "../../src/store/index.js";
import { startGateway, type TestGateway } from "./helpers.js";

let gw: TestGateway;
afterEach(async () => gw?.stop());

/** A CLI context that records what a command prints; `onOut` lets a test act on a line as it appears. */
function captureCtx(onOut: (line: string) => void = () => undefined) {
  const out: string[] = [];
  const err: string[] = [];
  const ctx: CliContext = {
    storePath: gw?.file ?? "/nonexistent/store.json",
    storeName: gw?.file ?? "/nonexistent/store.json",
    storeChoice: storeChoice(gw?.file ?? "/nonexistent/store.json", {}),
    json: false,
    prompter: undefined,
    env: {},
    out: (line) => {
      out.push(line);
      onOut(line);
    },
    err: (line) => err.push(line),
    stdin: async () => undefined,
    store: () => gw.store,
  };
  return { ctx, out, err };
}

/** `pairbot <argv>` through the CLI's one parser, printing into `captured`. */
const pairbot = (argv: string[], captured: { ctx: CliContext }) => runCli(argv, { env: {}, context: () => captured.ctx, err: captured.ctx.err });

describe("pairbot node", () => {
  it("pair prints the request it waits on, exits 0 once approved; connect prints who it is", async () => {
    gw = await startGateway();
    const state = gw.stateFile("cli");
    const pair = captureCtx((line) => {
      const id = /^Waiting for approval \(request (\S+)\)$/.exec(line)?.[1];
      if (id) void gw.track(gw.owner.approveDevice(id, "cli"));
    });
    expect(await pairbot(["node", "pair", await gw.setupCode(), "--name", "Kitchen iPad", "--state", state], pair)).toBe(0);
    expect(pair.out[0]).toMatch(/^Waiting for approval \(request \S+\)$/);
    expect(pair.out[1]).toBe(`Paired as ${(await gw.owner.read()).devices.paired[0]!.deviceId} (node) through ${gw.url}; token saved in ${state}`);

    const connect = captureCtx();
    expect(await pairbot(["node", "connect", "--state", state], connect)).toBe(0);
    const deviceId = (await gw.owner.read()).devices.paired[0]!.deviceId;
    expect(connect.out).toEqual([`Authenticated as ${deviceId} (node) at ${gw.url}`]);
  });

  it("exits non-zero with the reason when the owner rejects", async () => {
    gw = await startGateway();
    const run = captureCtx((line) => {
      const id = /request (\S+)\)/.exec(line)?.[1];
      if (id) void gw.track(gw.owner.rejectDevice(id, "cli"));
    });
    expect(await pairbot(["node", "pair", await gw.setupCode(), "--state", gw.stateFile("x")], run)).toBe(1);
    expect(run.err).toEqual(["The owner rejected this device."]);
  });

  it("refuses a damaged or expired setup code before connecting, saying what to do", async () => {
    gw = await startGateway();
    const state = gw.stateFile("x");
    await expect(pairDevice({ setupCode: "not-a-code!", stateFile: state })).rejects.toThrow(/setup code is damaged: .*; copy it again/);
    const expired = encodeSetupCode({ urls: [gw.url], bootstrapToken: "A".repeat(43), expiresAt: new Date(Date.now() - 1000).toISOString() });
    await expect(pairDevice({ setupCode: expired, stateFile: state })).rejects.toThrow(/expired.*new one \(\/pair\)/);
  });

  it("says the gateway cannot be reached, and that connect needs pairing first", async () => {
    gw = await startGateway();
    const down = createGateway({ store: gw.store, port: 0 });
    const downUrl = await down.listen();
    await down.close();
    const setupCode = (await gw.owner.createSetupCode({ url: downUrl }, "cli")).setupCode;
    const run = captureCtx();
    expect(await pairbot(["node", "pair", setupCode, "--state", gw.stateFile("y")], run)).toBe(1);
    expect(run.err[0]).toMatch(/Cannot reach the gateway at ws:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\); is `pairbot gateway` running there\?/);
    await expect(connectDevice({ stateFile: gw.stateFile("never") })).rejects.toThrow(/does not exist; pair first/);
  });

  it("prints usage for a missing setup code or an unknown subcommand (exit 2)", async () => {
    const run = captureCtx();
    expect(await pairbot(["node", "pair"], run)).toBe(2);
    expect(run.err).toEqual(["Missing <setupCode>.", expect.stringMatching(/^Usage: pairbot node pair <setupCode> \[--name N\]/)]);
    run.err.length = 0;
    expect(await pairbot(["node", "fly"], run)).toBe(2);
    expect(run.err[0]).toBe('Unknown command "node fly".');
  });
});

describe("pairbot gateway", () => {
  it("refuses bad options with a sentence and a usage line", async () => {
    const run = captureCtx();
    expect(await pairbot(["gateway", "--prot", "1"], run)).toBe(2);
    expect(run.err[0]).toBe("Unknown flag --prot; did you mean --port?");
    expect(await pairbot(["gateway", "--port", "http"], run)).toBe(1);
    expect(await pairbot(["gateway", "--cert", "c.pem"], run)).toBe(1);
    expect(await pairbot(["gateway", "--policy", "slack=closed"], run)).toBe(1);
    expect(run.err.slice(-3)).toEqual([
      expect.stringMatching(/Invalid --port "http"/),
      expect.stringMatching(/both --cert and --key/),
      expect.stringMatching(/must be one of/),
    ]);
  });
});

describe("wss:// with a certificate", () => {
  it("pairs over TLS when given --cert and --key", async (context) => {
    const { dir } = gw = await startGateway();
    const cert = path.join(dir, "cert.pem");
    const key = path.join(dir, "key.pem");
    try {
      execFileSync("openssl", ["req", "-x509", "-newkey", "ed25519", "-nodes", "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1", "-days", "1", "-keyout", key, "-out", cert], { stdio: "ignore" });
    } catch {
      context.skip(); // no openssl on this machine
    }
    const secure = createGateway({ store: gw.store, port: 0, tls: { cert: readFileSync(cert), key: readFileSync(key) } });
    const url = await secure.listen();
    try {
      expect(url).toMatch(/^wss:\/\//);
      const setupCode = (await gw.owner.createSetupCode({ url }, "cli")).setupCode;
      const session = await pairDevice({ setupCode, stateFile: gw.stateFile("tls"), ca: readFileSync(cert), onPending: (id) => void gw.track(gw.owner.approveDevice(id, "cli")) });
      expect(session.deviceToken).toBeTruthy();
      session.close();
    } finally {
      await secure.close();
    }
  });
});
