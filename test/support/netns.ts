import { execFileSync } from "node:child_process";
import { randomBytes, randomInt } from "node:crypto";

/** One "host": a network namespace of its own, joined to this one by a veth pair. */
export interface NetHost {
  name: string;
  /** The namespace's own address (its end of the veth pair). */
  address: string;
  /** This namespace's end of the pair: where a forwarder listens for the host. */
  peer: string;
  /** Prefix for a command to run inside the namespace (LineProcess's `wrap`). */
  wrap: string[];
}

const ip = (...args: string[]) => execFileSync("ip", args, { stdio: ["ignore", "ignore", "pipe"] });

/** Why hosts in network namespaces cannot be made here (not root, no `ip netns`), or undefined when they can. */
export function netnsUnavailable(): string | undefined {
  if (process.getuid?.() !== 0) return "not running as root";
  const probe = `pbprobe${randomBytes(3).toString("hex")}`;
  try {
    ip("netns", "add", probe);
    ip("netns", "del", probe);
    return undefined;
  } catch (e) {
    return `ip netns add failed (${String((e as { stderr?: Buffer }).stderr ?? (e as Error).message).trim()})`;
  }
}

/**
 * Makes one namespace per name, each with its own /24 (10.N.i.0: this side .1, the host .2), loopback
 * up and a default route back here. `remove()` deletes them all (their veth pairs go with them); it is
 * also run at exit, so a failed test leaves nothing behind.
 */
export function makeHosts<K extends string>(names: readonly K[]): { hosts: Record<K, NetHost>; remove: () => void } {
  const tag = randomBytes(2).toString("hex");
  const net = randomInt(100, 250);
  const made: string[] = [];
  const remove = () => {
    for (const ns of made.splice(0)) {
      try {
        ip("netns", "del", ns);
      } catch {
        // already gone
      }
    }
  };
  process.once("exit", remove);
  const hosts = {} as Record<K, NetHost>;
  try {
    names.forEach((name, i) => {
      const ns = `pairbot-${tag}-${name}`;
      const here = `pb${tag}${i}h`;
      const there = `pb${tag}${i}n`;
      const peer = `10.${net}.${i}.1`;
      const address = `10.${net}.${i}.2`;
      ip("netns", "add", ns);
      made.push(ns);
      ip("link", "add", here, "type", "veth", "peer", "name", there);
      ip("link", "set", there, "netns", ns);
      ip("addr", "add", `${peer}/24`, "dev", here);
      ip("link", "set", here, "up");
      ip("-n", ns, "addr", "add", `${address}/24`, "dev", there);
      ip("-n", ns, "link", "set", there, "up");
      ip("-n", ns, "link", "set", "lo", "up");
      ip("-n", ns, "route", "add", "default", "via", peer);
      hosts[name] = { name: ns, address, peer, wrap: ["ip", "netns", "exec", ns] };
    });
  } catch (e) {
    remove();
    throw e;
  }
  return { hosts, remove };
}
