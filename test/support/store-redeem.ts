import { isPairbotError, openStore } from "../../src/store/index.js";

/**
 * A device presenting a bootstrap token from its own process:
 *   node dist/test/support/store-redeem.js <storeFile|postgresUrl> <bootstrapToken> <publicKey> [request|token]
 * Prints "ready", waits for a line on stdin, then asks for pairing ("request") or for its device token
 * ("token"), and prints one JSON line: {"ok":true,...} or {"ok":false,"code":...}. Never the token itself.
 */
const [file, bootstrapToken, publicKey, step = "request"] = process.argv.slice(2);
if (!file || !bootstrapToken || !publicKey || (step !== "request" && step !== "token")) {
  console.error("usage: store-redeem <storeFile|postgresUrl> <bootstrapToken> <publicKey> [request|token]");
  process.exit(2);
}
const store = openStore({ location: file });

async function redeem(): Promise<object> {
  try {
    if (step === "token") {
      const { deviceId } = await store.issueDeviceToken({ publicKey: publicKey!, bootstrapToken: bootstrapToken! });
      return { ok: true, deviceId };
    }
    const result = await store.requestDevicePairing({
      bootstrapToken: bootstrapToken!, publicKey: publicKey!, name: "racer", platform: "linux", role: "node", scopes: [], remoteAddress: "10.0.0.9",
    });
    return { ok: true, ...result };
  } catch (e) {
    if (isPairbotError(e)) return { ok: false, code: e.code };
    throw e;
  }
}

process.stdout.write("ready\n");
process.stdin.once("data", () => {
  process.stdin.pause();
  redeem().then(
    (r) => process.stdout.write(JSON.stringify(r) + "\n"),
    (e: unknown) => {
      console.error(String(e));
      process.exit(1);
    },
  );
});
