import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { ENTRIES } from "../../src/cli/commands/index.js";
import { parseLine } from "../../src/cli/parse.js";

const deploy = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../deploy");
const units = ["pairbot-bot.service", "pairbot-gateway.service"];
const hasSystemd = spawnSync("systemd-analyze", ["--version"]).status === 0;

/** The [Service] settings of a unit: key -> every value given. */
function settings(unit: string): Map<string, string[]> {
  const found = new Map<string, string[]>();
  for (const line of readFileSync(path.join(deploy, unit), "utf8").split("\n")) {
    const match = /^([A-Za-z]+)=(.*)$/.exec(line);
    if (match) found.set(match[1]!, [...(found.get(match[1]!) ?? []), match[2]!]);
  }
  return found;
}

describe.each(units)("deploy/%s", (unit) => {
  it("restarts on failure as a dedicated user, hardened, writing only the store folder, with .env as its environment", () => {
    const s = settings(unit);
    expect(s.get("Restart")).toEqual(["on-failure"]);
    expect(s.get("User")).toEqual(["pairbot"]);
    expect(s.get("NoNewPrivileges")).toEqual(["yes"]);
    expect(s.get("ProtectSystem")).toEqual(["strict"]);
    expect(s.get("ReadWritePaths")).toEqual(["/var/lib/pairbot"]);
    expect(s.get("EnvironmentFile")).toEqual(["/etc/pairbot/.env"]);
  });

  it("runs a pairbot command line that the CLI accepts", () => {
    const [exec] = settings(unit).get("ExecStart")!;
    const [env, name, ...argv] = exec!.split(/\s+/);
    expect([env, name]).toEqual(["/usr/bin/env", "pairbot"]);
    expect(parseLine(argv, ENTRIES).target?.name).toBe(unit === "pairbot-bot.service" ? "bot" : "gateway");
  });

  it.skipIf(!hasSystemd)("passes systemd-analyze verify without a warning (skipped where systemd-analyze is not installed)", () => {
    const verify = spawnSync("systemd-analyze", ["verify", path.join(deploy, unit)], { encoding: "utf8" });
    expect({ status: verify.status, stderr: verify.stderr }).toEqual({ status: 0, stderr: "" });
  });
});
