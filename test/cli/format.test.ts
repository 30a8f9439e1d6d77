import { describe, expect, it } from "vitest";
import { relativeTo, table, who } from "../../src/cli/format.js";

const now = Date.parse("2026-11-21T12:00:00Z");

describe("human output", () => {
  it("says how long until and how long ago, in plain words", async () => {
    const relative = await relativeTo(now);
    expect(relative("2026-11-21T12:57:00Z")).toBe("in 57 minutes");
    expect(relative("2026-11-21T11:57:00Z")).toBe("3 minutes ago");
    expect(relative("2026-11-21T11:59:55Z")).toBe("just now");
    expect(relative("2026-11-21T12:00:30Z")).toBe("in 30 seconds");
    expect(relative("2026-11-19T12:00:00Z")).toBe("2 days ago");
  });

  it("aligns columns by characters, not bytes", () => {
    expect(table(["CODE", "NAME"], [["AB3D7X9K", "Zoë"], ["C", "Ann"]])).toEqual(["CODE      NAME", "AB3D7X9K  Zoë", "C         Ann"]);
  });

  it("never prints escape sequences or bidi overrides from a stored name", () => {
    expect(table(["NAME"], [["\u001b[31mred\u001b[0m"]])[1]).toBe("?[31mred?[0m");
    expect(who("+49", "Ann\u202eevil")).toBe("Ann?evil (+49)");
  });
});
