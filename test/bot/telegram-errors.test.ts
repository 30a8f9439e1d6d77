import { GrammyError, HttpError } from "grammy";
import { describe, expect, it } from "vitest";
import { classifyFailure, describeError } from "../../src/bot/notifier/telegram-errors.js";

const TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw0";

const telegramError = (error_code: number, description: string, parameters = {}) =>
  new GrammyError("Call to 'sendMessage' failed!", { ok: false, error_code, description, parameters }, "sendMessage", {});

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
