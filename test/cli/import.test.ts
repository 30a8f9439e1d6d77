import { cpSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tempDir } from "../support/temp-store.js";
import { SPAWNS_TIMEOUT, assertBuilt, cliFor, cliWithInput, parsed } from "./run-pairbot.js";

const FIXTURE = path.join(path.dirname(fileURLToPath(import.meta.url)), "fixtures", "openclaw");

let folder: ReturnType<typeof tempDir>;
beforeAll(() => {
  assertBuilt();
  folder = tempDir("pairbot-cli-import-");
});
afterAll(() => folder.remove());

const storeFile = (name: string) => path.join(folder.dir, name, "store.json");
const journalLines = (file: string) => readFileSync(`${file}.journal`, "utf8").split("\n").slice(0, -1).length;

/** Every file under a folder with its bytes: what an import must leave exactly as it was. */
function snapshot(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (at: string) => {
    for (const name of readdirSync(at)) {
      const full = path.join(at, name);
      if (statSync(full).isDirectory()) walk(full);
      else files[path.relative(dir, full)] = readFileSync(full).toString("base64");
    }
  };
  walk(dir);
  return files;
}

describe("pairbot allowlist import", { timeout: SPAWNS_TIMEOUT }, () => {
  it("imports ids one per line in one commit, prints a count line, and a re-import changes nothing", async () => {
    const file = storeFile("lines");
    const cli = cliFor(file);
    const pipe = cliWithInput(file);
    await cli(["allowlist", "add", "whatsapp", "+491"]);
    const before = journalLines(file);

    const ids = ["# the team", "+491", "", "+492", "  +493  ", "# done"].join("\n") + "\n";
    const run = await pipe(["allowlist", "import", "whatsapp"], ids);
    expect(run).toMatchObject({ code: 0, stdout: "Imported 2 senders to whatsapp (1 already allowed).\n", stderr: "" });
    expect(journalLines(file)).toBe(before + 1);

    const again = await pipe(["allowlist", "import", "whatsapp"], ids);
    expect(again).toMatchObject({ code: 0, stdout: "Imported 0 senders to whatsapp (3 already allowed).\n" });
    expect(journalLines(file)).toBe(before + 1);

    const audit = parsed(await cli(["audit", "--json"])) as { action: string; subject: string }[];
    expect(audit.map((e) => `${e.action} ${e.subject}`)).toEqual(["allow whatsapp/default/+491", "allow whatsapp/default: 2 senders imported"]);
  });

  it("imports the valid lines of a mixed list, names the refused ones by line, and exits 1", async () => {
    const file = storeFile("mixed");
    const pipe = cliWithInput(file);
    const long = "9".repeat(130);
    const run = await pipe(["allowlist", "import", "signal", "--account", "work"], `alice\nbob\n${long}\nalice\n__proto__\ncarol\n`);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe(
      "Imported 3 senders to signal (account work) (1 already allowed, 2 refused: line 3: Invalid sender id: it is longer than 128 characters; " +
        'line 5: Invalid sender id: "__proto__" is a reserved word; choose another).\n',
    );
    const listed = parsed(await cliFor(file)(["allowlist", "list", "--json"])) as { senderId: string; account: string }[];
    expect(listed.map((e) => `${e.account}/${e.senderId}`)).toEqual(["work/alice", "work/bob", "work/carol"]);
  });

  it("takes a JSON array of ids or of {id, name}, and answers --json", async () => {
    const file = storeFile("json");
    const pipe = cliWithInput(file);
    const ids = await pipe(["allowlist", "import", "telegram", "--json"], "[123456789, \"987654321\"]");
    expect(ids.code).toBe(0);
    expect(parsed(ids)).toEqual({ channel: "telegram", account: "default", added: 2, alreadyAllowed: 0, refused: [] });

    const objects = await pipe(["allowlist", "import", "telegram", "--json"], JSON.stringify([{ id: "555", name: "Ann" }, { name: "no id" }, { id: 123456789 }]));
    expect(objects.code).toBe(1);
    expect(parsed(objects)).toEqual({
      channel: "telegram",
      account: "default",
      added: 1,
      alreadyAllowed: 1,
      refused: [{ item: 2, id: "", reason: "Invalid sender id: it must be text" }],
    });
    const entries = parsed(await cliFor(file)(["allowlist", "list", "telegram", "--json"])) as { senderId: string; name?: string }[];
    expect(entries.find((e) => e.senderId === "555")).toMatchObject({ name: "Ann" });
  });

  it("refuses input it cannot read at all, and a wrong channel, as a whole; a missing channel is a usage error", async () => {
    const file = storeFile("refused");
    const pipe = cliWithInput(file);
    const broken = await pipe(["allowlist", "import", "whatsapp"], '["+491", ');
    expect(broken).toMatchObject({ code: 1, stdout: "" });
    expect(broken.stderr).toMatch(/^The input looks like JSON but does not parse \(.+\); expected one sender id per line, or a JSON array/);
    expect(await pipe(["allowlist", "import", "whatsapp"], '{"ids": ["+491"]}')).toMatchObject({ code: 1, stderr: expect.stringMatching(/^The input is JSON but not an array/) });
    expect(await pipe(["allowlist", "import", "whatsapp"], "\n# nothing here\n")).toMatchObject({ code: 1, stderr: expect.stringMatching(/^No sender ids in the input/) });
    expect(await pipe(["allowlist", "import", "WhatsApp"], "+491\n")).toMatchObject({ code: 1, stderr: expect.stringMatching(/^Invalid channel: "WhatsApp"/) });
    const usage = await pipe(["allowlist", "import"], "+491\n");
    expect(usage).toMatchObject({ code: 2, stderr: expect.stringContaining("Missing <channel>.") });
    expect(parsed(await cliFor(file)(["allowlist", "list", "--json"]))).toEqual([]);
  });
});

describe("pairbot import openclaw", { timeout: SPAWNS_TIMEOUT }, () => {
  /** The fixture in a temp folder, with a pairing file whose requests are fresh (their TTL counts from now). */
  function install(name: string): string {
    const dir = path.join(folder.dir, name, "openclaw");
    cpSync(FIXTURE, dir, { recursive: true });
    const ago = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();
    const request = (id: string, code: string, minutes: number, meta: Record<string, string> = {}) => ({ id, code, createdAt: ago(minutes), lastSeenAt: ago(minutes / 2), meta });
    const requests = [
      request("555", "QWERTYUP", 10, { username: "ann", accountId: "default" }),
      request("556", "bad", 20),
      request("123456789", "ZXCVBNMK", 5),
      request("557", "HJKLMNPQ", 30),
      request("558", "RSTUVWXY", 40),
      request("559", "ABCDEFGH", 70),
      request("600", "QWERTYUP", 15, { accountId: "Work" }),
    ];
    writeFileSync(path.join(dir, "credentials", "telegram-pairing.json"), JSON.stringify({ version: 1, requests }, null, 2));
    return dir;
  }

  it("takes allowlists and pending requests, says what it skipped and why, and leaves DIR byte-identical", async () => {
    const dir = install("full");
    const file = storeFile("openclaw");
    const cli = cliFor(file);
    const before = snapshot(dir);

    const run = await cli(["import", "openclaw", dir]);
    expect(run.code).toBe(1); // one file and one entry could not be read
    const lines = run.stdout.split("\n");
    expect(lines).toEqual([
      `From ${path.join(dir, "credentials")}:`,
      "  nextcloud-talk-allowFrom.json: imported 1 sender to nextcloud-talk.",
      "  telegram-allowFrom.json: imported 2 senders to telegram.",
      `  whatsapp-allowFrom.json: imported 3 senders to whatsapp (1 skipped: item 4: the wildcard "*" is not a sender (for "anyone", use the gateway's open DM policy), 1 refused: item 5: Invalid sender id: it is empty).`,
      "  whatsapp-work-allowFrom.json: imported 1 sender to whatsapp (account work).",
      "  signal-pairing.json: imported 0 pending requests to signal (1 skipped: item 1 (+4915550001): it expired at 2020-01-01T01:00:00.000Z).",
      expect.stringMatching(
        /^ {2}telegram-pairing\.json: imported 4 pending requests to telegram \(1 with a new code: 556 now has [A-HJ-NP-Z2-9]{8} \(BAD: not a pairing code\), 2 skipped: item 3 \(123456789\): the sender is already allowed; item 6 \(559\): it expired at .+\)\.$/,
      ),
      "    telegram now has 4 pending requests, past the cap of 3: new senders get no code until some are approved, denied or expire.",
      expect.stringMatching(
        /^ {2}telegram-pairing\.json: imported 1 pending request to telegram \(account work\) \(1 with a new code: 600 now has [A-HJ-NP-Z2-9]{8} \(QWERTYUP: another pending request has it\)\)\.$/,
      ),
      "  broken-allowFrom.json: skipped: it is not readable JSON (Unexpected end of JSON input)",
      "",
    ]);
    expect(snapshot(dir)).toEqual(before);

    const allowed = parsed(await cli(["allowlist", "list", "--json"])) as { channel: string; account: string; senderId: string }[];
    expect(allowed.map((e) => `${e.channel}/${e.account}/${e.senderId}`)).toEqual([
      "nextcloud-talk/default/alice",
      "telegram/default/123456789",
      "telegram/default/987654321",
      "whatsapp/default/+4915112345678",
      "whatsapp/default/+491701234567",
      "whatsapp/default/+491709999999",
      "whatsapp/work/+4930123456",
    ]);
    const pending = parsed(await cli(["pairing", "list", "--json"])) as { senderId: string; code: string; account: string; name?: string }[];
    expect(pending.map((r) => `${r.account}/${r.senderId}`).sort()).toEqual(["default/555", "default/556", "default/557", "default/558", "work/600"]);
    expect(pending.find((r) => r.senderId === "555")).toMatchObject({ code: "QWERTYUP", name: "ann" });
    // 600 (account work) asked with the same code as 555: the second one gets a new code.
    expect(pending.find((r) => r.senderId === "600")!.code).not.toBe("QWERTYUP");

    // Everything already there: nothing new, and nothing written.
    const journal = journalLines(file);
    const again = parsed(await cli(["import", "openclaw", dir, "--json"])) as { allowlists: { added: number; alreadyAllowed: number }[]; pending: { added: unknown[] }[] };
    expect(again.allowlists.map((a) => a.added)).toEqual([0, 0, 0, 0]);
    expect(again.allowlists.map((a) => a.alreadyAllowed)).toEqual([1, 2, 3, 1]);
    expect(again.pending.map((p) => p.added.length)).toEqual([0, 0, 0]);
    expect(journalLines(file)).toBe(journal);
    expect(snapshot(dir)).toEqual(before);
  });

  it("--dry-run shows what it would do and saves nothing; the committed fixture stays as it is", async () => {
    const file = storeFile("dry-run");
    const before = snapshot(FIXTURE);
    const run = await cliFor(file)(["import", "openclaw", FIXTURE, "--dry-run", "--json"]);
    expect(run.code).toBe(1);
    const report = parsed(run) as { dryRun: boolean; allowlists: { file: string; channel: string; account: string; added: number }[]; skippedFiles: unknown[]; dropped: unknown[] };
    expect(report.dryRun).toBe(true);
    expect(report.allowlists.map((a) => `${a.file} ${a.channel}/${a.account} +${a.added}`)).toEqual([
      "nextcloud-talk-allowFrom.json nextcloud-talk/default +1",
      "telegram-allowFrom.json telegram/default +2",
      "whatsapp-allowFrom.json whatsapp/default +3",
      "whatsapp-work-allowFrom.json whatsapp/work +1",
    ]);
    expect(report.skippedFiles).toEqual([{ file: "broken-allowFrom.json", reason: "it is not readable JSON (Unexpected end of JSON input)" }]);
    expect(report.dropped).toEqual([{ file: "whatsapp-allowFrom.json", item: 4, id: "*", reason: expect.stringContaining("wildcard") }]);
    expect(parsed(await cliFor(file)(["allowlist", "list", "--json"]))).toEqual([]);
    expect(snapshot(FIXTURE)).toEqual(before);

    const text = await cliFor(file)(["import", "openclaw", FIXTURE, "--dry-run"]);
    expect(text.stdout.split("\n")[0]).toBe(`From ${path.join(FIXTURE, "credentials")} (dry run: nothing was saved):`);
    expect(text.stdout).toContain("telegram-allowFrom.json: would import 2 senders to telegram.");
  });

  it("names the folder when there is no OpenClaw install", async () => {
    const missing = path.join(folder.dir, "no-openclaw");
    const run = await cliFor(storeFile("missing"))(["import", "openclaw", missing]);
    expect(run).toMatchObject({ code: 1, stdout: "", stderr: `No OpenClaw credentials folder at ${path.join(missing, "credentials")}; name the OpenClaw folder: pairbot import openclaw DIR.\n` });
  });
});
