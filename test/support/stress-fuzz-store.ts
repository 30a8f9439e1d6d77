import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import fc from "fast-check";
import { PairingStore, decodeSetupCode, isPairbotError, readStoreFiles, type StoreDoc } from "../../src/store/index.js";
import { TestClock, tempDir } from "./temp-store.js";

/** What a fuzz run saw: how many cases, how many were refused (with a PairbotError), and what broke. */
export interface FuzzFigures {
  runs: number;
  accepted: number;
  refused: number;
  /** Refusals per PairbotError code. */
  codes: Record<string, number>;
  crashes: string[];
  halfWrites: string[];
}

const newFigures = (): FuzzFigures => ({ runs: 0, accepted: 0, refused: 0, codes: {}, crashes: [], halfWrites: [] });

const count = (f: FuzzFigures, e: unknown) => {
  const code = isPairbotError(e) ? e.code : "crash";
  f.codes[code] = (f.codes[code] ?? 0) + 1;
};

const describe = (e: unknown): string => (e instanceof Error ? `${e.name}: ${e.message}` : String(e)).slice(0, 300);

/** A valid store with something in every part: a pending DM request, an allowed sender, a setup code, a device request. */
let seededBootstrapToken = "";
const seededKey = Buffer.alloc(32, 7).toString("base64url");

async function seededStoreText(file: string): Promise<string> {
  const store = new PairingStore({ file, clock: new TestClock().fn });
  await store.requestDmPairing({ channel: "whatsapp", senderId: "+491701234567", name: "Ann" });
  await store.allowSender({ channel: "signal", senderId: "+491709999999" }, "cli");
  const setup = await store.createSetupCode({ url: "ws://192.168.1.20:18789" }, "cli");
  const { bootstrapToken } = decodeSetupCode(setup.setupCode);
  seededBootstrapToken = bootstrapToken;
  await store.requestDevicePairing({ bootstrapToken, publicKey: seededKey, name: "Tablet", platform: "android", role: "node", scopes: [], remoteAddress: "10.0.0.2" });
  return JSON.stringify(await readStoreFiles(file)) + "\n"; // one snapshot holding all of it, no journal
}

/** The store's files as they are on disk: the snapshot, and the journal if there is one. */
function filesOf(file: string): string {
  return readFileSync(file, "utf8") + (existsSync(`${file}.journal`) ? readFileSync(`${file}.journal`, "utf8") : "");
}

/** Replaces or deletes the value at a random path of a JSON document. */
function mutate(doc: unknown, pathChoices: number[], replacement: unknown, remove: boolean): unknown {
  if (typeof doc !== "object" || doc === null || pathChoices.length === 0) return replacement;
  const keys = Object.keys(doc);
  if (keys.length === 0) return replacement;
  const key = keys[pathChoices[0]! % keys.length]!;
  const copy: Record<string, unknown> = Array.isArray(doc) ? ([...doc] as unknown as Record<string, unknown>) : { ...(doc as Record<string, unknown>) };
  if (pathChoices.length === 1 && remove) delete copy[key];
  else copy[key] = mutate((doc as Record<string, unknown>)[key], pathChoices.slice(1), replacement, remove);
  return copy;
}

/**
 * Random store files (mutated valid stores, arbitrary JSON, cut-off text): reading is either fine or a
 * PairbotError, and a change on a file that cannot be read fails without touching it.
 */
export async function fuzzStoreFiles(numRuns: number): Promise<FuzzFigures> {
  const f = newFigures();
  const { dir, remove } = tempDir("pairbot-fuzz-files-");
  try {
    const seed = await seededStoreText(path.join(dir, "seed.json"));
    const seedDoc = JSON.parse(seed) as unknown;
    const text = fc.oneof(
      fc.tuple(fc.array(fc.nat(), { minLength: 1, maxLength: 5 }), fc.jsonValue({ maxDepth: 2 }), fc.boolean()).map(([p, v, r]) => JSON.stringify(mutate(seedDoc, p, v, r))),
      fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
      fc.nat({ max: seed.length }).map((n) => seed.slice(0, n)),
      fc.string({ unit: "binary", maxLength: 200 }),
    );
    let n = 0;
    await fc.assert(
      fc.asyncProperty(text, async (content) => {
        const file = path.join(dir, `case-${n++}.json`);
        writeFileSync(file, content);
        const store = new PairingStore({ file, clock: new TestClock().fn });
        f.runs++;
        let readable = true;
        try {
          await store.read();
        } catch (e) {
          readable = false;
          if (!isPairbotError(e) || !["store_corrupt", "store_too_new"].includes(e.code)) f.crashes.push(`read: ${describe(e)}`);
        }
        try {
          await store.requestDmPairing({ channel: "whatsapp", senderId: "+49170000fuzz" });
          f.accepted++;
          if (!readable) f.halfWrites.push("a change succeeded on a store that could not be read");
        } catch (e) {
          f.refused++;
          count(f, e);
          if (!isPairbotError(e)) f.crashes.push(`change: ${describe(e)}`);
          if (filesOf(file) !== content) f.halfWrites.push(`a refused change altered the file (${describe(e)})`);
        }
        if (readable) new PairingStore({ file }).read().catch((e: unknown) => f.halfWrites.push(`unreadable after a change: ${describe(e)}`));
      }),
      { numRuns },
    );
  } finally {
    remove();
  }
  return f;
}

/** Placeholders for what the seeded store holds, filled in when an operation runs. */
const REAL = ["$code", "$dmId", "$deviceRequestId", "$deviceId", "$bootstrap", "$key"] as const;

const anyText = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom("whatsapp", "signal", "default", "+491701234567", "+491709999999", "ws://192.168.1.20:18789", ...REAL) },
  fc.string({ maxLength: 40 }),
  fc.string({ unit: "grapheme", maxLength: 20 }),
  fc.string({ unit: "binary", maxLength: 300 }),
  fc.constantFrom("", " ", "whatsapp", "default", "+491701234567", "ABCDEFGH", "abcdefgh", "../../etc", "<b>&</b>", "\u202e", "a".repeat(129)),
);
/** What arrives from the network as JSON: anything at all. */
const anyValue = fc.oneof(anyText, fc.anything({ maxDepth: 2 }));

/** One operation on the store with generated arguments, as a front-end or a gateway could call it. */
const operation = fc.oneof(
  fc.record({ op: fc.constant("requestDm"), channel: anyText, account: fc.option(anyText, { nil: undefined }), senderId: anyText, name: fc.option(anyText, { nil: undefined }), meta: fc.option(anyValue, { nil: undefined }) }),
  fc.record({ op: fc.constant("approveDm"), channel: fc.option(anyText, { nil: undefined }), codeOrSender: anyText }),
  fc.record({ op: fc.constant("denyDm"), channel: fc.option(anyText, { nil: undefined }), codeOrSender: anyText }),
  fc.record({ op: fc.constant("decideById"), id: anyText, approve: fc.boolean() }),
  fc.record({ op: fc.constant("allow"), channel: anyText, senderId: anyText, name: fc.option(anyText, { nil: undefined }) }),
  fc.record({ op: fc.constant("revoke"), channel: anyText, senderId: anyText }),
  fc.record({ op: fc.constant("setupCode"), url: anyText, role: fc.constantFrom("node", "operator", "admin", "") }),
  fc.record({ op: fc.constant("requestDevice"), bootstrapToken: anyValue, publicKey: anyValue, name: anyValue, platform: anyValue, role: anyValue, scopes: anyValue, remoteAddress: anyValue }),
  fc.record({ op: fc.constant("approveDevice"), id: anyText }),
  fc.record({ op: fc.constant("revokeDevice"), id: anyText }),
  fc.record({ op: fc.constant("issueToken"), publicKey: anyValue, bootstrapToken: anyValue }),
);
type Operation = typeof operation extends fc.Arbitrary<infer T> ? T : never;

function realValues(doc: StoreDoc): Record<(typeof REAL)[number], string> {
  return {
    $code: doc.dm.requests[0]?.code ?? "NOCODE22",
    $dmId: doc.dm.requests[0]?.id ?? "no-dm",
    $deviceRequestId: doc.devices.requests[0]?.requestId ?? "no-request",
    $deviceId: doc.devices.paired[0]?.deviceId ?? doc.devices.requests[0]?.deviceId ?? "no-device",
    $bootstrap: seededBootstrapToken,
    $key: seededKey,
  };
}

function apply(store: PairingStore, o: Operation, doc: StoreDoc): Promise<unknown> {
  const real = realValues(doc) as Record<string, string>;
  // hasOwn: a generated "toString" or "constructor" must stay text, not become Object.prototype's function.
  const a = Object.fromEntries(Object.entries(o).map(([k, v]) => [k, typeof v === "string" && Object.hasOwn(real, v) ? real[v] : v]));
  const s = (k: string) => a[k] as string;
  switch (o.op) {
    case "requestDm": return store.requestDmPairing({ channel: s("channel"), account: s("account"), senderId: s("senderId"), name: s("name"), meta: a["meta"] });
    case "approveDm": return store.approveDm({ channel: s("channel"), codeOrSender: s("codeOrSender") }, "telegram:1");
    case "denyDm": return store.denyDm({ channel: s("channel"), codeOrSender: s("codeOrSender") }, "telegram:1");
    case "decideById": return store.decide({ kind: "dm", id: s("id") }, a["approve"] ? "approve" : "deny", "telegram:1");
    case "allow": return store.allowSender({ channel: s("channel"), senderId: s("senderId"), name: s("name") }, "cli");
    case "revoke": return store.revokeSender({ channel: s("channel"), senderId: s("senderId") }, "cli");
    case "setupCode": return store.createSetupCode({ url: s("url"), role: a["role"] as "node" }, "cli");
    case "requestDevice": return store.requestDevicePairing(a as never);
    case "approveDevice": return store.approveDevice(s("id"), "telegram:1");
    case "revokeDevice": return store.revokeDevice(s("id"), "telegram:1");
    case "issueToken": return store.issueDeviceToken(a as never);
  }
}

/** The document without what a refused change may keep on purpose: the wrong-code counter. */
const withoutCounters = (doc: StoreDoc) => JSON.stringify({ ...doc, seq: 0, codeFailures: {} });

/**
 * Sequences of random operations with random arguments on a seeded store: each is done or refused with a
 * PairbotError, and a refused one leaves the file as it was (but for the wrong-code counter).
 */
export async function fuzzStoreInputs(numRuns: number): Promise<FuzzFigures> {
  const f = newFigures();
  const { dir, remove } = tempDir("pairbot-fuzz-inputs-");
  try {
    const seed = await seededStoreText(path.join(dir, "seed.json"));
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(operation, { minLength: 1, maxLength: 4 }), async (ops) => {
        const file = path.join(dir, `case-${n++}.json`);
        writeFileSync(file, seed);
        const store = new PairingStore({ file, clock: new TestClock().fn });
        for (const o of ops) {
          f.runs++;
          const before = await store.read();
          try {
            await apply(store, o, before);
            f.accepted++;
            const after = await store.read().catch((r: unknown) => r);
            if (after instanceof Error) {
              f.halfWrites.push(`${o.op} was accepted but left the store unreadable: ${describe(after)}`);
              return;
            }
          } catch (e) {
            f.refused++;
            count(f, e);
            if (!isPairbotError(e)) f.crashes.push(`${o.op}: ${describe(e)}`);
            const after = await store.read().catch((r: unknown) => r);
            if (after instanceof Error) f.halfWrites.push(`${o.op} left the store unreadable: ${describe(after)}`);
            else if (withoutCounters(after as StoreDoc) !== withoutCounters(before)) f.halfWrites.push(`${o.op} was refused but changed the store (${describe(e)})`);
          }
        }
      }),
      { numRuns },
    );
  } finally {
    remove();
  }
  return f;
}

export const summary = (name: string, f: FuzzFigures): string =>
  `${name}: runs ${f.runs}, accepted ${f.accepted}, refused ${f.refused} (${Object.entries(f.codes).map(([c, n]) => `${c} ${n}`).join(", ")}), crashes ${f.crashes.length}, half writes ${f.halfWrites.length}`;
