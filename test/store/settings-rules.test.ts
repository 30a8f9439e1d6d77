import { afterEach, describe, expect, it } from "vitest";
import { PairbotError, SETTINGS } from "../../src/store/index.js";
import { issueSetupCode } from "../support/store-devices.js";
import { tempStore } from "../support/temp-store.js";

const MINUTE = 60_000;
let t: ReturnType<typeof tempStore>;
afterEach(() => t.remove());

const refusal = (p: Promise<unknown>) => p.then(() => undefined, (e: unknown) => e as PairbotError);

describe("settings every process shares", () => {
  it("are listed with their defaults, none set", async () => {
    t = tempStore();
    expect((await t.store.settings()).map((s) => [s.name, s.value, s.default, s.set])).toEqual([
      ["dm.codeTtl", "1h", "1h", false],
      ["dm.maxPending", "3", "3", false],
      ["dm.denyCooldown", "24h", "24h", false],
      ["device.requestTtl", "10m", "10m", false],
      ["device.setupCodeTtl", "10m", "10m", false],
      ["device.autoApproveCidrs", "", "", false],
    ]);
    for (const s of await t.store.settings()) expect(s.description.length).toBeGreaterThan(10);
  });

  it("decide the rules of every process on the store, and each change is audited", async () => {
    t = tempStore();
    const other = t.open({ clock: t.clock.fn });
    expect(await t.store.setSetting("dm.codeTtl", "2h", "cli:ann")).toMatchObject({ name: "dm.codeTtl", value: "2h", set: true });
    await t.store.setSetting("dm.maxPending", "1", "cli:ann");
    await t.store.setSetting("device.setupCodeTtl", "30m", "telegram:42");
    const first = await other.requestDmPairing({ channel: "whatsapp", senderId: "+491" });
    expect(Date.parse(first.expiresAt!) - t.clock.now).toBe(120 * MINUTE);
    expect(await other.requestDmPairing({ channel: "whatsapp", senderId: "+492" })).toMatchObject({ capped: true });
    const setup = await issueSetupCode(other);
    expect(Date.parse(setup.expiresAt) - t.clock.now).toBe(30 * MINUTE);
    expect((await t.store.audit()).filter((e) => e.action === "setting").map((e) => `${e.actor} ${e.subject}`)).toEqual([
      "cli:ann dm.codeTtl = 2h", "cli:ann dm.maxPending = 1", "telegram:42 device.setupCodeTtl = 30m",
    ]);
    expect((await t.readSaved()).settings).toEqual({ "dm.codeTtl": "2h", "dm.maxPending": "1", "device.setupCodeTtl": "30m" });
  });

  it("a device request lives device.requestTtl", async () => {
    t = tempStore();
    await t.store.setSetting("device.requestTtl", "5m", "cli");
    const setup = await issueSetupCode(t.store);
    const { deviceHello, newDeviceKey } = await import("../support/store-devices.js");
    const request = await t.store.requestDevicePairing(deviceHello(setup.bootstrapToken, newDeviceKey()));
    expect(request.status === "pending" && Date.parse(request.expiresAt) - t.clock.now).toBe(5 * MINUTE);
  });

  it("keep one written form of each value: durations, numbers, networks", async () => {
    t = tempStore();
    expect((await t.store.setSetting("dm.codeTtl", " 90M ", "cli")).value).toBe("90m");
    expect((await t.store.setSetting("dm.maxPending", "007", "cli")).value).toBe("7");
    expect((await t.store.setSetting("dm.denyCooldown", "0", "cli")).value).toBe("0");
    expect((await t.store.setSetting("device.autoApproveCidrs", "192.168.1.0/24, FD00::/8,10.0.0.7,192.168.1.0/24", "cli")).value).toBe("192.168.1.0/24,fd00::/8,10.0.0.7/32");
    expect((await t.store.setSetting("device.autoApproveCidrs", "", "cli")).value).toBe("");
  });

  it("refuse a bad value, saying what is allowed, and change nothing", async () => {
    t = tempStore();
    const cases: Array<[string, string, string]> = [
      ["dm.codeTtl", "forever", "a duration like 10m, 1h, 24h or 7d, from 60s to 30d"],
      ["dm.codeTtl", "0", "from 60s to 30d"],
      ["dm.codeTtl", "31d", "from 60s to 30d"],
      ["dm.maxPending", "0", "a whole number from 1 to 100"],
      ["dm.maxPending", "2.5", "a whole number from 1 to 100"],
      ["dm.denyCooldown", "-1h", "or 0 (off)"],
      ["device.requestTtl", "2d", "to 1d"],
      ["device.autoApproveCidrs", "192.168.1.0/33", "IPv4 or IPv6 networks, comma-separated"],
      ["device.autoApproveCidrs", "example.com", "IPv4 or IPv6 networks, comma-separated"],
    ];
    for (const [name, value, allowed] of cases) {
      const e = await refusal(t.store.setSetting(name, value, "cli"));
      expect(e).toMatchObject({ code: "invalid_input" });
      expect(e!.message).toContain(`"${value}" is not allowed`);
      expect(e!.message).toContain(allowed);
    }
    const unknown = await refusal(t.store.setSetting("dm.codeTTL", "1h", "cli"));
    expect(unknown!.message).toBe(`There is no setting "dm.codeTTL"; the settings are ${SETTINGS.map((s) => s.name).join(", ")}.`);
    expect((await t.readSaved()).settings).toEqual({});
    expect((await t.store.audit()).filter((e) => e.action === "setting")).toEqual([]);
  });

  it("a process's own numbers win over the store's settings", async () => {
    t = tempStore();
    await t.store.setSetting("dm.codeTtl", "2h", "cli");
    const own = t.open({ clock: t.clock.fn, policy: { dmTtlMs: 5 * MINUTE } });
    const { expiresAt } = await own.requestDmPairing({ channel: "whatsapp", senderId: "+491" });
    expect(Date.parse(expiresAt!) - t.clock.now).toBe(5 * MINUTE);
  });
});
