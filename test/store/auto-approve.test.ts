import { describe, expect, it } from "vitest";
import { clientAddress } from "../../src/gateway/addresses.js";
import { autoApproval, matchingCidr, parseCidr, type AddressSource, type Role } from "../../src/store/index.js";

const cidrs = (...texts: string[]) => texts.map(parseCidr);

describe("address ranges", () => {
  it.each([
    ["192.168.1.31", ["192.168.1.0/24"], "192.168.1.0/24"],
    ["192.168.2.31", ["192.168.1.0/24"], undefined],
    ["::ffff:192.168.1.31", ["192.168.1.0/24"], "192.168.1.0/24"],
    ["192.168.1.31", ["::ffff:192.168.1.0/120"], "192.168.1.0/24"],
    ["fd12:3456::9", ["fd00::/8"], "fd00::/8"],
    ["fe80::1", ["fd00::/8", "fe80::/10"], "fe80::/10"],
    ["2001:db8::1", ["fd00::/8"], undefined],
    ["10.0.0.5", ["10.0.0.5"], "10.0.0.5/32"],
    ["10.0.0.6", ["10.0.0.5"], undefined],
    ["not-an-address", ["0.0.0.0/0"], undefined],
    ["203.0.113.9", ["0.0.0.0/0"], "0.0.0.0/0"],
  ])("%s in %j: %s", (address, ranges, match) => expect(matchingCidr(address, cidrs(...ranges))?.text).toBe(match));

  it.each(["192.168.1.0/33", "192.168.1/24", "fd00::/129", "10.0.0.0/8/8", "example.com/24", "", "10.0.0.0/-1", "10.0.0.0/ 8"])("refuses %j with a sentence", (text) => {
    expect(() => parseCidr(text)).toThrow(expect.objectContaining({ code: "invalid_input", message: expect.stringMatching(/write it like 192\.168\.1\.0\/24/) }));
  });
});

describe("auto-approval (the rule, as a truth table)", () => {
  const LAN = ["192.168.1.0/24"];
  const ask = (role: Role, scopes: string[], remoteAddress: string, via: AddressSource, ranges = LAN) => autoApproval({ role, scopes, remoteAddress, via }, ranges);

  it.each<[Role, string[], string, AddressSource, string[], ReturnType<typeof autoApproval>]>([
    ["node", [], "192.168.1.31", "direct", LAN, { approve: true, cidr: "192.168.1.0/24" }],
    ["node", [], "::ffff:192.168.1.31", "direct", LAN, { approve: true, cidr: "192.168.1.0/24" }],
    ["node", [], "192.168.1.31", "trusted-proxy", LAN, { approve: true, cidr: "192.168.1.0/24" }],
    ["node", [], "192.168.1.31", "untrusted-proxy", LAN, { approve: false, why: "proxy" }],
    ["node", [], "192.168.1.31", "direct", [], { approve: false, why: "off" }],
    ["node", [], "192.168.1.31", "direct", ["garbage"], { approve: false, why: "off" }],
    ["node", [], "192.168.9.31", "direct", LAN, { approve: false, why: "address" }],
    ["operator", [], "192.168.1.31", "direct", LAN, { approve: false, why: "role" }],
    ["operator", ["operator.read"], "192.168.1.31", "direct", LAN, { approve: false, why: "role" }],
    ["node", ["operator.read"], "192.168.1.31", "direct", LAN, { approve: false, why: "scopes" }],
  ])("%s %j from %s (%s) with %j: %j", (role, scopes, address, via, ranges, decision) => {
    expect(ask(role, scopes, address, via, ranges)).toEqual(decision);
  });

  it("the gateway says how it learned an address: a header it does not believe, or a trusted proxy naming nobody, is not the device's", () => {
    const trusted = new Set(["127.0.0.1"]);
    expect(clientAddress("192.168.1.31", undefined, trusted)).toMatchObject({ address: "192.168.1.31", via: "direct" });
    expect(clientAddress("127.0.0.1", "192.168.1.31", trusted)).toMatchObject({ address: "192.168.1.31", via: "trusted-proxy" });
    expect(clientAddress("127.0.0.1", undefined, trusted)).toMatchObject({ address: "127.0.0.1", via: "untrusted-proxy" });
    expect(clientAddress("127.0.0.1", "192.168.1.31", new Set())).toMatchObject({ address: "127.0.0.1", via: "untrusted-proxy" });
    expect(clientAddress("203.0.113.5", "192.168.1.31", trusted)).toMatchObject({ address: "203.0.113.5", via: "untrusted-proxy" });
    // A trusted proxy whose header names no client (garbled, empty, only proxies) stands in for anyone.
    for (const header of ["", "not-an-address", "127.0.0.1", "192.168.1.31, garbage", "192.168.1.31, garbage, 127.0.0.1"]) {
      expect(clientAddress("127.0.0.1", header, trusted)).toMatchObject({ via: "untrusted-proxy" });
    }
    expect(clientAddress("127.0.0.1", "garbage, 192.168.1.31, 127.0.0.1", trusted)).toMatchObject({ address: "192.168.1.31", via: "trusted-proxy" });
    expect(clientAddress("127.0.0.1", "::ffff:192.168.1.31", trusted)).toMatchObject({ address: "192.168.1.31", via: "trusted-proxy" });
  });
});
