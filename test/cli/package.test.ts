import { execFile, spawn } from "node:child_process";
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeTelegram } from "../support/fake-telegram/index.js";
import { tempDir } from "../support/temp-store.js";
import { assertBuilt } from "./run-pairbot.js";

const run = promisify(execFile);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const { version } = (await import("../../package.json", { with: { type: "json" } })).default;

let folder: ReturnType<typeof tempDir>;
let tarball: string;
/** The packed files, as `npm pack --json` lists them. */
let packed: string[];
/** Where `npm install --global` puts pairbot: bin/pairbot and lib/node_modules/pairbot (with its dependencies). */
let prefix: string;

beforeAll(async () => {
  assertBuilt();
  folder = tempDir("pairbot-package-");
  prefix = path.join(folder.dir, "global");
  // What `npm pack` makes (its prepare script builds first; the build is already there for the tests).
  const { stdout } = await run("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", folder.dir], { cwd: root });
  const [info] = JSON.parse(stdout) as [{ filename: string; files: { path: string }[] }];
  tarball = path.join(folder.dir, info.filename);
  packed = info.files.map((f) => f.path);
}, 120_000);
afterAll(() => folder.remove());

/** npm from the tarball alone: dependencies from the npm cache where it has them, never dev dependencies. */
const npmInstall = (cwd: string, args: string[]) => run("npm", ["install", "--prefer-offline", "--no-audit", "--no-fund", "--omit=dev", ...args], { cwd });

describe("the package", () => {
  it("holds the built CLI, bot, gateway, library and texts, and no sources or tests", () => {
    expect(path.basename(tarball)).toBe(`pairbot-${version}.tgz`);
    for (const file of ["bin/pairbot.js", "dist/src/cli/bundle.js", "dist/src/bot/main.js", "dist/src/gateway/cli.js", "dist/src/index.js", "dist/src/index.d.ts", "locales/bot/en.ftl", "locales/gateway/en.json", ".env.example", "deploy/pairbot-bot.service"]) {
      expect(packed, file).toContain(file);
    }
    expect(packed.filter((f) => /^(src|test|bench)\/|^dist\/(test|bench)\/|\.test\.|tsconfig/.test(f))).toEqual([]);
  });

  it("installs globally from the tarball; pairbot then runs from any folder", async () => {
    await npmInstall(folder.dir, ["--global", "--prefix", prefix, tarball]);
    const pairbot = path.join(prefix, "bin", "pairbot");
    const elsewhere = path.join(folder.dir, "elsewhere");
    mkdirSync(elsewhere);
    const env = { PATH: process.env["PATH"], HOME: elsewhere };
    const help = await run(pairbot, ["--help"], { cwd: elsewhere, env });
    expect(help.stdout).toContain("pairbot pairing approve [channel] [code|senderId] [--account A]");
    expect((await run(pairbot, ["--version"], { cwd: elsewhere, env })).stdout).toBe(`pairbot ${version}\n`);

    const store = path.join(elsewhere, "store.json");
    const requested = JSON.parse((await run(pairbot, ["dm", "request", "whatsapp", "+491701234567", "--name", "Ann", "--store", store], { cwd: elsewhere, env })).stdout) as { code: string };
    const approved = await run(pairbot, ["pairing", "approve", "whatsapp", requested.code, "--store", store], { cwd: elsewhere, env });
    expect(approved.stdout).toBe("Approved Ann (+491701234567) on whatsapp: they can message the assistant now.\n");
  }, 240_000);

  it("runs the Telegram bot from the install (pairbot bot), with the .env of the current folder", async () => {
    const telegram = await startFakeTelegram();
    const botFolder = path.join(folder.dir, "bot");
    mkdirSync(botFolder);
    const settings = { BOT_TOKEN: telegram.token, OWNER_IDS: "4242", TELEGRAM_API_ROOT: telegram.apiRoot, GATEWAY_URL: "ws://127.0.0.1:18789", STORE_PATH: path.join(botFolder, "store.json"), LOG_LEVEL: "warn" };
    writeFileSync(path.join(botFolder, ".env"), Object.entries(settings).map(([k, v]) => `${k}=${v}`).join("\n") + "\n", { mode: 0o600 });
    const bot = spawn(path.join(prefix, "bin", "pairbot"), ["bot"], { cwd: botFolder, env: { PATH: process.env["PATH"], HOME: botFolder } });
    let stderr = "";
    bot.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => bot.on("close", resolve));
    try {
      await telegram.waitForPoll(30_000);
      telegram.userSends({ id: 4242, first_name: "Olga" }, "/pair pending");
      await telegram.waitForMessage(4242, (m) => m.text?.includes("Nothing pending") ?? false, 30_000);
      bot.kill("SIGTERM");
      expect(await exited).toBe(0);
      expect(stderr).toBe("");
    } finally {
      bot.kill("SIGKILL");
      await telegram.close();
    }
  }, 120_000);

  it("is a library with types: import { openStore } from \"pairbot\" in a project of its own", async () => {
    const project = path.join(folder.dir, "adapter");
    mkdirSync(project);
    writeFileSync(path.join(project, "package.json"), JSON.stringify({ name: "my-adapter", private: true, type: "module" }));
    // The global install of the test before, linked in as `npm install <tarball>` would place it (one install is slow enough).
    mkdirSync(path.join(project, "node_modules", ".bin"), { recursive: true });
    symlinkSync(path.join(prefix, "lib", "node_modules", "pairbot"), path.join(project, "node_modules", "pairbot"));
    symlinkSync(path.join(prefix, "bin", "pairbot"), path.join(project, "node_modules", ".bin", "pairbot"));

    const script = `
import { openStore, isPairbotError } from "pairbot";
const store = openStore({ location: process.argv[2] });
const seen = [];
const feed = store.watch((events) => seen.push(...events.map((e) => e.type)));
await feed.ready;
const { code } = await store.requestDmPairing({ channel: "signal", senderId: "+15550100", name: "Eve" });
const before = await store.isAllowed("signal", "+15550100");
await store.approveDm({ channel: "signal", codeOrSender: code }, "adapter-test");
const after = await store.isAllowed("signal", "+15550100");
let refused = "";
try { await store.approveDm({ channel: "signal", codeOrSender: "ZZZZZZZZ" }, "adapter-test"); } catch (e) { refused = isPairbotError(e) ? e.code : "other"; }
await new Promise((r) => setTimeout(r, 300));
feed.close();
await store.close();
console.log(JSON.stringify({ before, after, refused, seen }));
`;
    writeFileSync(path.join(project, "adapter.mjs"), script);
    const { stdout } = await run(process.execPath, ["adapter.mjs", path.join(project, "store.json")], { cwd: project });
    expect(JSON.parse(stdout)).toEqual({ before: false, after: true, refused: "not_found", seen: expect.arrayContaining(["dm.added", "dm.removed"]) });

    // The adapter in docs/library.md, as written there.
    const doc = readFileSync(path.join(root, "docs", "library.md"), "utf8");
    writeFileSync(path.join(project, "matrix-adapter.mjs"), /```js\n([^]*?)```/.exec(doc)![1]!);
    writeFileSync(
      path.join(project, "drive-adapter.mjs"),
      `import { onDirectMessage, followDecisions } from "./matrix-adapter.mjs";
const said = [];
const send = async (to, text) => said.push([to, text]);
const deliver = async (from, text) => said.push(["assistant", from + ": " + text]);
const feed = followDecisions(send);
await feed.ready;
await onDirectMessage({ senderId: "@eve:example.org", name: "Eve", text: "hi" }, { deliver, send });
process.stdout.write(JSON.stringify(said) + "\\n");
process.stdin.once("data", async () => {
  while (said.length < 2) await new Promise((r) => setTimeout(r, 20));
  await onDirectMessage({ senderId: "@eve:example.org", name: "Eve", text: "hi again" }, { deliver, send });
  feed.close();
  process.stdout.write(JSON.stringify(said) + "\\n");
  process.exit(0);
});
`,
    );
    const storeFile = path.join(project, "adapter-store.json");
    const adapter = spawn(process.execPath, ["drive-adapter.mjs"], { cwd: project, env: { PATH: process.env["PATH"], HOME: project, STORE_PATH: storeFile } });
    const lines: string[] = [];
    adapter.stdout.on("data", (chunk: Buffer) => lines.push(...chunk.toString().split("\n").filter(Boolean)));
    while (lines.length === 0) await new Promise((r) => setTimeout(r, 20));
    const asked = (JSON.parse(lines[0]!) as [string, string][])[0]![1];
    const code = /approve code (\w{8})\./.exec(asked)![1]!;
    await run(path.join(project, "node_modules", ".bin", "pairbot"), ["pairing", "approve", "matrix", code, "--store", storeFile], { cwd: project });
    adapter.stdin.write("go\n");
    await new Promise((resolve) => adapter.on("close", resolve));
    expect(JSON.parse(lines[1]!)).toEqual([
      ["@eve:example.org", `To talk to the assistant, ask its owner to approve code ${code}.`],
      ["@eve:example.org", "You're in: write again and the assistant answers."],
      ["assistant", "@eve:example.org: hi again"],
    ]);

    // The declarations type-check a TypeScript consumer (the compiler and @types/node from this repo).
    writeFileSync(
      path.join(project, "adapter.ts"),
      `import { openStore, type DmRequestResult, type StoreEvent } from "pairbot";
const store = openStore({ location: "store.json" });
const result: DmRequestResult = await store.requestDmPairing({ channel: "signal", senderId: "+1" });
const kinds: StoreEvent["type"][] = ["dm.added"];
// @ts-expect-error a sender id is a string
await store.isAllowed("signal", 15550100);
export { result, kinds };
`,
    );
    writeFileSync(
      path.join(project, "tsconfig.json"),
      JSON.stringify({ compilerOptions: { module: "nodenext", target: "es2022", strict: true, noEmit: true, skipLibCheck: false, types: ["node"], typeRoots: [path.join(root, "node_modules", "@types")] }, files: ["adapter.ts"] }),
    );
    const tsc = await run(process.execPath, [path.join(root, "node_modules", "typescript", "bin", "tsc"), "-p", project], { cwd: project }).catch((e: { stdout: string }) => ({ stdout: e.stdout, failed: true }));
    expect(tsc.stdout).toBe("");
  }, 240_000);
});
