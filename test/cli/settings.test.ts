import { describe, expect, it } from "vitest";
import { SPAWNS_TIMEOUT, cliStores, cliFor, parsed } from "./run-pairbot.js";

const storeIn = cliStores();

describe("pairbot settings", { timeout: SPAWNS_TIMEOUT }, () => {
  it("lists every setting with its default, sets one, refuses a bad value, and every command then follows it", async () => {
    const cli = cliFor(storeIn("settings"));
    const listed = (await cli(["settings"])).stdout.split("\n");
    expect(listed[0]).toMatch(/^NAME +VALUE +SET +DEFAULT +WHAT$/);
    expect(listed[1]).toMatch(/^dm\.codeTtl +1h +no +1h +how long a DM pairing code stays valid$/);
    expect(listed.some((l) => /^device\.autoApproveCidrs +\(none\) +no +\(none\)/.test(l))).toBe(true);

    expect(await cli(["settings", "set", "dm.codeTtl", "24h"])).toMatchObject({ code: 0, stdout: "dm.codeTtl is 24h now.\n" });
    expect(await cli(["settings", "set", "dm.codeTtl", "a day"])).toMatchObject({
      code: 1,
      stderr: 'Invalid dm.codeTtl: "a day" is not allowed; it takes a duration like 10m, 1h, 24h or 7d, from 60s to 30d.\n',
    });
    expect((await cli(["settings", "set", "device.autoApproveCidrs", "10.0.0.0/8,fd00::/8"])).stdout).toBe("device.autoApproveCidrs is 10.0.0.0/8,fd00::/8 now.\n");
    expect((await cli(["settings", "set", "dm.denyCooldown", "24h"])).stdout).toBe("dm.denyCooldown is 24h now (the default).\n");
    expect(await cli(["settings", "set", "dm.codeTtl"])).toMatchObject({ code: 2, stderr: expect.stringContaining("Usage: pairbot settings set <name> <value>") });

    expect(await cli(["settings", "set", "dmCodeTtl", "2h"])).toMatchObject({ code: 1, stderr: 'There is no setting "dmCodeTtl"; did you mean "dm.codeTtl"?\n' });
    expect(await cli(["settings", "set", "dm.maxPendng", "5"])).toMatchObject({ code: 1, stderr: expect.stringContaining("did you mean \"dm.maxPending\"?") });
    expect((await cli(["settings", "set", "colour", "red"])).stderr).toBe(
      'There is no setting "colour"; the settings are dm.codeTtl, dm.maxPending, dm.denyCooldown, device.requestTtl, device.setupCodeTtl, device.autoApproveCidrs.\n',
    );

    expect((await cli(["settings"])).stdout).toMatch(/\ndm\.codeTtl +24h +yes +1h +how long/);
    const settings = parsed(await cli(["settings", "--json"])) as { name: string; value: string; default: string; set: boolean }[];
    expect(settings.find((s) => s.name === "dm.codeTtl")).toMatchObject({ value: "24h", default: "1h", set: true });
    expect(settings.find((s) => s.name === "dm.maxPending")).toMatchObject({ value: "3", set: false });

    const { expiresAt } = parsed(await cli(["dm", "request", "whatsapp", "+491701234567"])) as { expiresAt: string };
    expect(Date.parse(expiresAt) - Date.now()).toBeGreaterThan(23 * 3_600_000);
  });
});
