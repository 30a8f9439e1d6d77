import os from "node:os";
import { describe, expect, it } from "vitest";
import { cliActor } from "../../src/cli/actor.js";

describe("the CLI's audit actor", () => {
  it("names the OS user, so two users on one machine are told apart and throttled apart", () => {
    expect(cliActor()).toBe(`cli:${os.userInfo().username}`);
    expect(cliActor(() => ({ username: "alice" }))).toBe("cli:alice");
  });

  it("is plain cli when the OS cannot name the user", () => {
    expect(cliActor(() => { throw new Error("uv_os_get_passwd returned ENOENT"); })).toBe("cli");
    expect(cliActor(() => ({ username: "" }))).toBe("cli");
  });
});
