import { GrammyError, HttpError, type Api } from "grammy";

/** grammY on Node types its signals with the abort-controller shim; the native one works the same. */
export type ApiSignal = NonNullable<Parameters<Api["deleteMessage"]>[2]>;

/** What a failed Bot API call means for the notification engine. */
export type Failure =
  /** Telegram is busy or unreachable (429, 5xx, network): try again later; `retryAfterMs` when Telegram said. */
  | { kind: "transient"; retryAfterMs?: number }
  /** The owner never opened the chat or blocked the bot (403, chat not found): do not insist. */
  | { kind: "unreachable" }
  /** An edit that would change nothing: it is already what we wanted. */
  | { kind: "not-modified" }
  /** The message is gone (deleted by the owner): nothing left to edit or delete. */
  | { kind: "message-gone" }
  /** Telegram refuses to delete it (older than 48 h): edit it instead. */
  | { kind: "cannot-delete" }
  /** The message is a photo: edit its caption instead of its text. */
  | { kind: "no-text" }
  /** Any other refusal (a bad template, a bug): retrying would fail the same way. */
  | { kind: "rejected" }
  /** The engine is stopping and aborted the call. */
  | { kind: "stopped" };

export function classifyFailure(error: unknown, stopping: boolean): Failure {
  if (stopping) return { kind: "stopped" };
  if (error instanceof HttpError) return { kind: "transient" };
  if (!(error instanceof GrammyError)) return { kind: "rejected" };
  const code = error.error_code;
  const description = error.description.toLowerCase();
  if (code === 429) {
    const seconds = error.parameters.retry_after;
    return typeof seconds === "number" ? { kind: "transient", retryAfterMs: seconds * 1000 } : { kind: "transient" };
  }
  if (code >= 500) return { kind: "transient" };
  if (code === 403 || description.includes("chat not found") || description.includes("user not found")) return { kind: "unreachable" };
  if (description.includes("message is not modified")) return { kind: "not-modified" };
  if (description.includes("message to edit not found") || description.includes("message to delete not found")) return { kind: "message-gone" };
  if (description.includes("message can't be deleted")) return { kind: "cannot-delete" };
  if (description.includes("no text in the message")) return { kind: "no-text" };
  return { kind: "rejected" };
}

const TOKEN = /\d{5,}:[A-Za-z0-9_-]{20,}/g;

/** One line about an error, safe for logs: Telegram's own description, never a URL (it holds the token). */
export function describeError(error: unknown): string {
  if (error instanceof GrammyError) return `${error.error_code}: ${error.description}`.replace(TOKEN, "<token>");
  if (error instanceof HttpError) {
    const cause = error.error as { code?: unknown; name?: unknown } | undefined;
    const detail = typeof cause?.code === "string" ? cause.code : typeof cause?.name === "string" ? cause.name : "unknown cause";
    return `network error (${detail})`;
  }
  if (error instanceof Error) return `${error.name}: ${error.message}`.replace(TOKEN, "<token>");
  return String(error).replace(TOKEN, "<token>");
}
