import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { CLOSE_CODES, COUNTS_AS_FAILURE, REASON_CODES } from "../../src/gateway/protocol.js";
import { repoRoot } from "../support/stress-processes.js";

/** docs/gateway-protocol.md against the code: every reason, close code and status the gateway sends is documented. */
const doc = readFileSync(path.join(repoRoot, "docs", "gateway-protocol.md"), "utf8");
const gatewayDir = path.join(repoRoot, "src", "gateway");
const source = readdirSync(gatewayDir)
  .filter((f) => f.endsWith(".ts"))
  .map((f) => readFileSync(path.join(gatewayDir, f), "utf8"))
  .join("\n");
const found = (pattern: RegExp): string[] => [...new Set([...source.matchAll(pattern)].map((m) => m[1]!))].sort();

/** The reason code table's rows: code -> [close, counts toward throttling]. */
const table = new Map(
  [...doc.matchAll(/^\| `([a-z_]+)` \| (\d{4}) \| (yes|no) \|/gm)].map((m) => [m[1]!, { close: Number(m[2]), counts: m[3] === "yes" }]),
);

describe("docs/gateway-protocol.md documents what the gateway sends", () => {
  it("every reason code a device can get, with its close code and whether it counts toward throttling", () => {
    expect([...table.keys()].sort()).toEqual([...REASON_CODES].sort());
    for (const code of REASON_CODES) {
      // handshake_timeout: the socket is dropped without a close handshake, so the device sees 1006.
      const close = code === "handshake_timeout" ? 1006 : CLOSE_CODES[code];
      expect({ code, ...table.get(code) }).toEqual({ code, close, counts: COUNTS_AS_FAILURE.has(code) });
    }
  });

  it("every code the source refuses or ends a connection with is a declared reason code", () => {
    const used = found(/(?:(?:refuse|end|count)\(c, |code: )"([a-z_]+)"/g);
    expect(used.length).toBeGreaterThan(5);
    for (const code of used) expect(REASON_CODES).toContain(code);
  });

  it("every channel answer's reason", () => {
    const reasons = found(/reason: "([a-z_]+)"/g);
    expect(reasons).toEqual(expect.arrayContaining(["capped", "disabled", "not_allowed", "pairing"]));
    for (const reason of reasons) expect(doc).toContain(`"reason": "${reason}"`);
  });

  it("every HTTP status the channel endpoint answers with", () => {
    const statuses = found(/(?:HttpError\(|sendJson\(res, )(\d{3})/g).filter((s) => s !== "200");
    expect(statuses).toEqual(expect.arrayContaining(["400", "401", "403", "404", "405", "413", "500", "503"]));
    // Said where the doc explains it: "413 for a body too large", "**410 Gone**".
    for (const status of statuses) expect(doc, `status ${status}`).toMatch(new RegExp(`\\b${status}( for\\b|\\*\\*| [A-Z][a-z])`));
  });
});
