import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import http from "node:http";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { connectDevice, pairDevice } from "../../src/node/pairing.js";
import { RawClient, deviceKey, halfHeaders, refusal, silentSocket } from "../gateway/helpers.js";
import { startGatewayProcess, type GatewayProcess } from "./gateway-process.js";
import { tempDir } from "./temp-store.js";

/**
 * Attacks on `pairbot gateway` as shipped (bin/pairbot.js), from loopback only, each with a fixed count
 * and a time budget: they stop by themselves. Every attack comes from its own 127.x address, so one
 * attack's throttle does not hide another's result. Each returns what was tried and what held.
 */

export const ADAPTER_TOKEN = "stress-adapter-token-7c2e9a";
const BOGUS_TOKEN = "G".repeat(43);
const elapsed = (since: number) => (Date.now() - since) / 1000;
const count = (codes: unknown[]) => codes.reduce<Record<string, number>>((m, c) => ({ ...m, [String(c)]: (m[String(c)] ?? 0) + 1 }), {});

/** The gateway under attack: a token file for adapters, and (like the issue's machine) `ulimit -n 1024`. */
export async function startAttackedGateway(extraArgs: string[] = []): Promise<GatewayProcess> {
  const folder = tempDir("pairbot-attack-");
  const tokens = path.join(folder.dir, "channel-tokens");
  writeFileSync(tokens, `${ADAPTER_TOKEN}\n`);
  const gw = await startGatewayProcess(["--accounts", "whatsapp=default,work", "--channel-token-file", tokens, ...extraArgs], {}, { openFiles: 1024 });
  return { ...gw, stop: async () => (await gw.stop(), folder.remove()) };
}

async function guessOnce(url: string, from: string): Promise<unknown> {
  const client = new RawClient(url, {}, from);
  await client.hello(deviceKey(), { bootstrapToken: BOGUS_TOKEN }).catch(() => undefined);
  return (await refusal(client)).code;
}

/** One address guessing bootstrap tokens one after another, as fast as the gateway answers. */
export async function guessing(gw: GatewayProcess, tries: number, budgetMs: number) {
  const started = Date.now();
  const codes: unknown[] = [];
  let firstThrottleAt: number | undefined;
  while (codes.length < tries && Date.now() - started < budgetMs) {
    const code = await guessOnce(gw.url, "127.0.2.1");
    if (code === "throttled") firstThrottleAt ??= Date.now();
    codes.push(code);
  }
  const evaluated = codes.filter((c) => c !== "throttled").length;
  const beforeThrottle = codes.indexOf("throttled") < 0 ? codes.length : codes.indexOf("throttled");
  const rate = beforeThrottle / Math.max(0.001, ((firstThrottleAt ?? Date.now()) - started) / 1000);
  const line = `guessing: tried ${codes.length} bootstrap tokens from one address in ${elapsed(started).toFixed(1)} s; ${beforeThrottle} evaluated before the throttle (${rate.toFixed(0)} guesses/s), ${evaluated} evaluated in all; outcomes ${JSON.stringify(count(codes))}`;
  return { tried: codes.length, evaluated, beforeThrottle, outcomes: count(codes), line };
}

/** Many connections from one address opened at once, then every hello sent at once. */
export async function burstGuessing(gw: GatewayProcess, connections: number) {
  const started = Date.now();
  const clients = Array.from({ length: connections }, () => new RawClient(gw.url, {}, "127.0.2.2"));
  const nonces = await Promise.all(clients.map((c) => c.challenge().catch(() => undefined)));
  for (const [i, client] of clients.entries()) {
    const key = deviceKey();
    if (nonces[i]) client.send({ type: "hello", publicKey: key.publicKey, signature: key.sign(nonces[i]!), name: "P", platform: "ios", bootstrapToken: BOGUS_TOKEN });
  }
  const codes = await Promise.all(clients.map(async (c) => (await refusal(c)).code ?? "dropped"));
  const evaluated = codes.filter((c) => c === "token_invalid").length;
  const line = `burst: ${connections} connections from one address at once, then all hellos; ${nonces.filter(Boolean).length} got a challenge, ${evaluated} guesses evaluated; outcomes ${JSON.stringify(count(codes))} in ${elapsed(started).toFixed(1)} s`;
  return { connections, challenged: nonces.filter(Boolean).length, evaluated, outcomes: count(codes), line };
}

/**
 * Idle sockets from many addresses while a paired device holds a live session; the owner revokes it
 * in the middle of the flood. Measures how many sockets the gateway kept, and how long revocation took.
 */
export async function connectionFlood(gw: GatewayProcess, sockets: number, addresses: number) {
  const stateFile = path.join(gw.dir, "node-state.json");
  await pairDevice({ setupCode: await gw.setupCode(), stateFile, onPending: (id) => void gw.owner.approveDevice(id, "telegram:1") });
  const session = await connectDevice({ stateFile });
  const started = Date.now();
  const flood = Array.from({ length: sockets }, (_, i) => silentSocket(gw.url, `127.0.3.${1 + (i % addresses)}`));
  let closedEarly = 0;
  for (const s of flood) void s.closed.then(() => (closedEarly += Date.now() - started < 1500 ? 1 : 0));
  await new Promise((resolve) => setTimeout(resolve, 1500));
  const open = flood.filter((s) => !s.socket.destroyed && s.socket.readyState === "open");
  // Held by the gateway: upgraded and still open. The rest of `open` waits in the kernel's accept queue.
  const held = open.filter((s) => s.upgraded()).length;
  const queued = open.length - held;
  const post = await plainPost(`${gw.httpUrl}/channels/whatsapp/messages`, { senderId: "+4917000000", text: "hi" });
  const revokedAt = Date.now();
  await gw.owner.revokeDevice(session.deviceId, "telegram:1");
  const ended = await Promise.race([session.ended, new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 10_000))]);
  const revocationMs = ended ? Date.now() - revokedAt : undefined;
  for (const s of flood) s.socket.destroy();
  const feedErrors = (gw.output().match(/store feed failed/g) ?? []).length;
  const line = `connection flood: ${sockets} idle sockets from ${addresses} addresses; ${held} held by the gateway after 1.5 s, ${queued} still in the kernel's accept queue, ${closedEarly} dropped or cut; a DM post during it: ${post}; revocation of a live session took ${revocationMs ?? "more than 10000"} ms (${ended?.code ?? "not ended"}); store feed errors ${feedErrors}`;
  return { sockets, held, queued, closedEarly, post, revocationMs, revokedCode: ended?.code, feedErrors, line };
}

/** This machine's own LAN address of a family (not loopback, not link-local), if it has one. */
const lanAddress = (family: "IPv4" | "IPv6"): string | undefined =>
  Object.values(os.networkInterfaces())
    .flat()
    .find((a) => a && !a.internal && a.family === family && !a.address.startsWith("fe80"))?.address;

/**
 * Strangers fill the gateway's total from a non-loopback address (this machine's own IPv4 LAN address:
 * the traffic never leaves it), while an adapter that proved its token earlier (from the IPv6 LAN
 * address), a local adapter and a paired device on loopback try to get in. Undefined without LAN addresses.
 */
export async function reserveUnderFlood(sockets: number, extraArgs: string[] = []) {
  const strangerHost = lanAddress("IPv4");
  const adapterHost = lanAddress("IPv6");
  if (!strangerHost || !adapterHost) return undefined;
  const gw = await startAttackedGateway(["--host", "::", "--max-connections-per-address", "4096", ...extraArgs]);
  try {
    const port = Number(/:(\d+)$/.exec(gw.url)![1]);
    const url = (host: string) => `http://${host.includes(":") ? `[${host}]` : host}:${port}/channels/whatsapp/messages`;
    await plainPost(url(adapterHost), { senderId: "+4917100000", text: "hi" }); // the adapter proves its token once
    const stateFile = path.join(gw.dir, "node-state.json");
    const setupCode = (await gw.owner.createSetupCode({ url: `ws://127.0.0.1:${port}` }, "telegram:1")).setupCode;
    (await pairDevice({ setupCode, stateFile, onPending: (id) => void gw.owner.approveDevice(id, "telegram:1") })).close();

    const presented = await presentEverythingButAToken(gw, strangerHost, port, url(strangerHost));

    const flood = Array.from({ length: sockets }, () => {
      const socket = net.connect({ host: strangerHost, port });
      socket.on("error", () => undefined);
      return socket;
    });
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const held = flood.filter((s) => !s.destroyed && s.readyState === "open").length;
    const adapter = await plainPost(url(adapterHost), { senderId: "+4917100001", text: "hi" });
    const local = await plainPost(url("127.0.0.1"), { senderId: "+4917100002", text: "hi" });
    const deviceStarted = Date.now();
    const device = await connectDevice({ stateFile }).then(
      (session) => (session.close(), `authenticated in ${Date.now() - deviceStarted} ms`),
      (e: Error & { code?: string }) => `${e.code ?? e.message} in ${Date.now() - deviceStarted} ms`,
    );
    const stranger = await plainPost(url(strangerHost), { senderId: "+4917100003", text: "hi" });
    for (const s of flood) s.destroy();
    const line = `reserve: a stranger (${strangerHost}) first presented ${presented}; then ${sockets} idle sockets from its address; ${held} open after 1.5 s; then a known adapter's post: ${adapter}; a local post: ${local}; the paired device: ${device}; one more stranger's post: ${stranger}`;
    return { sockets, held, adapter, local, device, stranger, line };
  } finally {
    await gw.stop();
  }
}

/**
 * What a stranger can present without holding a token: a wrong adapter token on a post and on the event
 * stream, a guessed bootstrap token, a wrong device token, and a real setup code whose request stays pending.
 */
async function presentEverythingButAToken(gw: GatewayProcess, host: string, port: number, postUrl: string): Promise<string> {
  const answers: string[] = [];
  answers.push(`post with a wrong token: ${await plainPost(postUrl, { senderId: "+4917100009", text: "hi" }, "wrong-token-of-some-length")}`);
  answers.push(`events with a wrong token: ${await streamStatus(postUrl.replace(/messages$/, "events"), { Authorization: "Bearer wrong-token-of-some-length" }, host)}`);
  const wsUrl = `ws://${host}:${port}`;
  const hello = async (extra: Record<string, unknown>) => {
    const client = new RawClient(wsUrl, {}, host);
    await client.hello(deviceKey(), extra).catch(() => undefined);
    const answer = await Promise.race([client.frame("pending").then(() => "pending"), refusal(client).then((r) => String(r.code))]).catch(() => "closed");
    client.close();
    return answer;
  };
  answers.push(`a guessed bootstrap token: ${await hello({ bootstrapToken: BOGUS_TOKEN })}`);
  answers.push(`a wrong device token: ${await hello({ deviceToken: BOGUS_TOKEN })}`);
  const setupCode = (await gw.owner.createSetupCode({ url: `ws://127.0.0.1:${port}` }, "telegram:1")).setupCode;
  answers.push(`a real setup code: ${await hello({ bootstrapToken: (JSON.parse(Buffer.from(setupCode, "base64url").toString()) as { bootstrapToken: string }).bootstrapToken })}`);
  return answers.join(", ");
}

/** A DM post with node:http (fetch retries a reset connection silently): its status, or the error's code and how fast. */
function plainPost(url: string, body: unknown, token = ADAPTER_TOKEN): Promise<string> {
  const started = Date.now();
  return new Promise((resolve) => {
    const req = http.request(url, { method: "POST", headers: { Authorization: `Bearer ${token}` }, timeout: 5000 }, (res) => {
      res.resume();
      resolve(`${res.statusCode} in ${Date.now() - started} ms`);
    });
    req.on("timeout", () => req.destroy(Object.assign(new Error("timeout"), { code: "timeout" })));
    req.on("error", (e: NodeJS.ErrnoException) => resolve(`${e.code ?? e.message} in ${Date.now() - started} ms`));
    req.end(JSON.stringify(body));
  });
}

/** Strangers made up by the thousand: without a token, and with a token but made-up accounts. */
export async function dmFlood(gw: GatewayProcess, posts: number) {
  const started = Date.now();
  const send = (i: number, headers: Record<string, string>, account: string) =>
    fetch(`${gw.httpUrl}/channels/whatsapp/messages`, { method: "POST", headers, body: JSON.stringify({ senderId: `+1555${i}`, text: "hi", account }) }).then(async (r) => (r.status === 200 ? ((await r.json()) as { reason?: string }).reason ?? "delivered" : String(r.status)));
  const before = (await gw.owner.pending()).dm.length;
  const anonymous: string[] = [];
  for (let i = 0; i < posts; i++) anonymous.push(await send(i, {}, "default"));
  const afterAnonymous = (await gw.owner.pending()).dm.length;
  const authed: string[] = [];
  for (let i = 0; i < posts; i++) authed.push(await send(posts + i, { Authorization: `Bearer ${ADAPTER_TOKEN}` }, ["default", "work", `made-up-${i}`][i % 3]!));
  const stored = (await gw.owner.pending()).dm.length - before;
  const line = `dm flood: ${posts} posts without a token -> ${JSON.stringify(count(anonymous))}, ${afterAnonymous - before} stored; ${posts} with a token over real and made-up accounts -> ${JSON.stringify(count(authed))}, ${stored} requests stored in all, ${elapsed(started).toFixed(1)} s`;
  return { posts, anonymousStored: afterAnonymous - before, stored, anonymous: count(anonymous), authed: count(authed), line };
}

/** Sockets that send half their headers and then wait: how long the gateway keeps them. */
export async function slowHeaders(gw: GatewayProcess, sockets: number, budgetMs: number) {
  const held = Array.from({ length: sockets }, () => halfHeaders(gw.httpUrl));
  const times = await Promise.all(held.map((h) => Promise.race([h.closed, new Promise<number>((resolve) => setTimeout(() => resolve(budgetMs), budgetMs))])));
  for (const h of held) h.socket.destroy();
  const longest = Math.max(...times);
  const line = `slow headers: ${sockets} half-sent requests; the longest was held ${(longest / 1000).toFixed(1)} s${longest >= budgetMs ? " (budget reached: still open)" : ""}`;
  return { sockets, longestMs: longest, line };
}

/** A GET of the channel's event stream with node:http: its status (the stream left open until `hold` ends), or the error's code. */
function streamStatus(url: string, headers: Record<string, string>, localAddress: string): Promise<string> {
  return new Promise((resolve) => {
    const req = http.get(url, { headers, localAddress, timeout: 5000 }, (res) => {
      resolve(String(res.statusCode));
      res.destroy();
    });
    req.on("timeout", () => req.destroy(Object.assign(new Error("timeout"), { code: "timeout" })));
    req.on("error", (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
  });
}

/** The gateway process's resident memory (MB) and open descriptors, from /proc. */
function processFootprint(pid: number): { rssMb: number; fds: number } {
  const rss = Number(/^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0);
  return { rssMb: Math.round(rss / 1024), fds: readdirSync(`/proc/${pid}/fd`).length };
}

/**
 * The event stream attacked: strangers opening streams without a token (and with another channel's),
 * then adapters that open streams replaying every kept event and never read them. Measures what the
 * strangers got, the gateway's memory and descriptors, how many slow readers it cut off, and whether a
 * reading adapter still gets a new event at once. On signal: the other attacks fill whatsapp's cap.
 */
export async function eventStreamFlood(gw: GatewayProcess, { strangers, slowReaders, approvals }: { strangers: number; slowReaders: number; approvals: number }) {
  const pid = gw.proc.child.pid!;
  const events = `${gw.httpUrl}/channels/signal/events`;
  const stranger = await Promise.all(Array.from({ length: strangers }, (_, i) => streamStatus(events, i % 2 ? {} : { Authorization: "Bearer wrong-token-of-some-length" }, "127.0.4.1")));
  // Approvals hand back the held messages: 1,000 characters each, the most a sender can leave.
  const text = "m".repeat(1000);
  for (let i = 0; i < approvals; i++) {
    const senderId = `+4917200${String(i).padStart(5, "0")}`;
    await gw.owner.requestDmPairing({ channel: "signal", senderId, message: text });
    await gw.owner.approveDm({ channel: "signal", codeOrSender: senderId }, "telegram:1");
  }
  const before = processFootprint(pid);
  const { hostname, port } = new URL(gw.httpUrl);
  const started = Date.now();
  const slow = Array.from({ length: slowReaders }, (_, i) => {
    const socket = net.connect({ host: hostname, port: Number(port), localAddress: `127.0.5.${1 + (i % 8)}` });
    socket.on("error", () => undefined);
    socket.on("connect", () => {
      socket.write(`GET /channels/signal/events?since=0 HTTP/1.1\r\nHost: ${hostname}\r\nAuthorization: Bearer ${ADAPTER_TOKEN}\r\n\r\n`);
      socket.pause(); // never reads: the gateway's output piles up
    });
    return socket;
  });
  const cutOffs = () => (gw.output().match(/event stream closed: the client does not read/g) ?? []).length;
  const cutBefore = cutOffs();
  await new Promise((resolve) => setTimeout(resolve, 2000));
  const during = processFootprint(pid);
  // A reading adapter, from this machine, while the slow readers hold their streams.
  const live = await fetch(events, { headers: { Authorization: `Bearer ${ADAPTER_TOKEN}` } });
  const reader = live.body!.getReader();
  const senderId = "+491729999999";
  const asked = Date.now();
  await gw.owner.requestDmPairing({ channel: "signal", senderId, message: "marker" });
  let seen = "";
  const decoder = new TextDecoder();
  while (!seen.includes(senderId) && Date.now() - asked < 10_000) {
    const chunk = await Promise.race([reader.read(), new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 10_000))]);
    if (!chunk || chunk.done) break;
    seen += decoder.decode(chunk.value);
  }
  const liveMs = seen.includes(senderId) ? Date.now() - asked : undefined;
  await reader.cancel().catch(() => undefined);
  const cut = cutOffs() - cutBefore; // the gateway's own word: a paused client does not see the close
  for (const s of slow) s.destroy();
  const line = `event streams: ${strangers} opens without a valid token -> ${JSON.stringify(count(stranger))}; ${approvals} approvals with 1,000-character messages replayed to ${slowReaders} streams that never read: gateway ${before.rssMb} -> ${during.rssMb} MB, ${before.fds} -> ${during.fds} descriptors, ${cut} slow readers cut off by the gateway within ${elapsed(started).toFixed(1)} s; a reading adapter got a new event in ${liveMs ?? "more than 10000"} ms`;
  return { stranger: count(stranger), before, during, cut, liveMs, line };
}
