import { GrammyError, HttpError } from "grammy";
import { describe, expect, it } from "vitest";
import { ChatQueues, type Attempt } from "../../src/bot/notifier/chat-queues.js";
import { classifyFailure, describeError } from "../../src/bot/notifier/telegram-errors.js";

const FAST = { perChatGapMs: 0, globalGapMs: 0, backoffMs: 1, maxBackoffMs: 5 };
const TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw0";

const telegramError = (error_code: number, description: string, parameters = {}) =>
  new GrammyError("Call to 'sendMessage' failed!", { ok: false, error_code, description, parameters }, "sendMessage", {});

describe("per-chat queues", () => {
  it("delivers each chat's jobs in order, a retried job before the ones behind it, and never drops one", async () => {
    const queues = new ChatQueues(FAST);
    const delivered: string[] = [];
    const failuresLeft = new Map([["a1", 2]]);
    const all: Promise<void>[] = [];
    for (const [chatId, name] of [[1, "a1"], [2, "b1"], [1, "a2"], [2, "b2"], [1, "a3"]] as const) {
      all.push(
        new Promise((settled) =>
          queues.push({
            chatId,
            run: async (): Promise<Attempt> => {
              const left = failuresLeft.get(name) ?? 0;
              if (left > 0) {
                failuresLeft.set(name, left - 1);
                return { done: false, retryAfterMs: 1 };
              }
              delivered.push(name);
              return { done: true };
            },
            settle: settled,
          }),
        ),
      );
    }
    await Promise.all(all);
    expect(delivered.filter((n) => n.startsWith("a"))).toEqual(["a1", "a2", "a3"]);
    expect(delivered.filter((n) => n.startsWith("b"))).toEqual(["b1", "b2"]);
  });

  it("settles queued jobs unrun when stopped, and takes no new ones", async () => {
    const queues = new ChatQueues({ ...FAST, perChatGapMs: 60_000 });
    const ran: number[] = [];
    const settled: number[] = [];
    let firstRan!: () => void;
    const first = new Promise<void>((resolve) => (firstRan = resolve));
    for (const n of [1, 2, 3]) queues.push({ chatId: 7, run: async () => (ran.push(n), firstRan(), { done: true }), settle: () => settled.push(n) });
    await first; // job 2 now waits a minute for its slot in the chat
    await queues.stop();
    queues.push({ chatId: 7, run: async () => (ran.push(4), { done: true }), settle: () => settled.push(4) });
    expect(ran).toEqual([1]);
    expect(settled.sort()).toEqual([1, 2, 3, 4]);
  });
});

describe("Telegram failures", () => {
  it("sorts failures into retry, give up, and already done", () => {
    expect(classifyFailure(telegramError(429, "Too Many Requests: retry after 3", { retry_after: 3 }), false)).toEqual({ kind: "transient", retryAfterMs: 3000 });
    expect(classifyFailure(telegramError(502, "Bad Gateway"), false)).toEqual({ kind: "transient" });
    expect(classifyFailure(new HttpError("Network request for 'sendMessage' failed!", new Error("socket hang up")), false)).toEqual({ kind: "transient" });
    expect(classifyFailure(telegramError(403, "Forbidden: bot can't initiate conversation with a user"), false)).toEqual({ kind: "unreachable" });
    expect(classifyFailure(telegramError(400, "Bad Request: chat not found"), false)).toEqual({ kind: "unreachable" });
    expect(classifyFailure(telegramError(400, "Bad Request: message is not modified: specified new message content"), false)).toEqual({ kind: "not-modified" });
    expect(classifyFailure(telegramError(400, "Bad Request: message to edit not found"), false)).toEqual({ kind: "message-gone" });
    expect(classifyFailure(telegramError(400, "Bad Request: message can't be deleted for everyone"), false)).toEqual({ kind: "cannot-delete" });
    expect(classifyFailure(telegramError(400, "Bad Request: can't parse entities: unsupported start tag"), false)).toEqual({ kind: "rejected" });
    expect(classifyFailure(telegramError(502, "Bad Gateway"), true)).toEqual({ kind: "stopped" });
  });

  it("describes an error in one line without the bot token, even when the cause carries the URL", () => {
    const cause = Object.assign(new Error(`request to https://api.telegram.org/bot${TOKEN}/sendMessage failed`), { code: "ECONNRESET" });
    expect(describeError(new HttpError("Network request for 'sendMessage' failed!", cause))).toBe("network error (ECONNRESET)");
    expect(describeError(new Error(`oops at /bot${TOKEN}/getMe`))).toBe("Error: oops at /bot<token>/getMe");
    expect(describeError(telegramError(403, "Forbidden: bot was blocked by the user"))).toBe("403: Forbidden: bot was blocked by the user");
  });
});
