import type { Api } from "grammy";
import { iso, needsAlert, type Clock, type PairingStore, type RequestKey, type SentNotification, type StoreDoc } from "../../store/index.js";
import type { Attempt } from "./chat-queues.js";
import type { NotifierJob } from "./plan.js";
import { classifyFailure, describeError, type Failure } from "./telegram-errors.js";
import type { NotificationTexts } from "./texts.js";

/** pino's (object, message) call form; any logger with it fits. */
export interface NotifierLogger {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

/** grammY on Node types its signals with the abort-controller shim; the native one works the same. */
export type ApiSignal = NonNullable<Parameters<Api["deleteMessage"]>[2]>;

export interface JobContext {
  api: Api;
  store: PairingStore;
  texts: NotificationTexts;
  logger: NotifierLogger;
  clock: Clock;
  signal: ApiSignal;
  /** The newest snapshot the engine has read: jobs re-check it so stale work is skipped. */
  latest(): StoreDoc;
  reach: OwnerReach;
}

const DONE: Attempt = { done: true };
/** Telegram lets a bot delete its messages for 48 hours; keep a margin for clocks and queues. */
const DELETE_WINDOW_MS = 47 * 60 * 60_000;
const HTML = { parse_mode: "HTML", link_preview_options: { is_disabled: true } } as const;

export function runJob(ctx: JobContext, job: NotifierJob): Promise<Attempt> {
  if (job.type === "alert") return sendAlert(ctx, job);
  if (job.type === "outcome") return showOutcome(ctx, job);
  return clearSetupCode(ctx, job);
}

async function sendAlert(ctx: JobContext, job: Extract<NotifierJob, { type: "alert" }>): Promise<Attempt> {
  if (!needsAlert(ctx.latest(), job.key, job.ownerId)) return DONE;
  let sent: SentNotification | undefined;
  const failure = await call(ctx, async () => {
    const alert = ctx.texts.request(job.card, job.ownerId);
    const message = await ctx.api.sendMessage(job.chatId, alert.text, { ...HTML, reply_markup: alert.reply_markup }, ctx.signal);
    sent = { chatId: message.chat.id, messageId: message.message_id, sentAt: iso(ctx.clock()) };
  });
  if (failure || !sent) return giveUpOrRetry(ctx, job, failure);
  ctx.reach.reached(job.ownerId);
  const record = sent;
  // Sent but not yet recorded: a crash right here sends it again after the restart (at-least-once),
  // which beats recording first and losing the alert if the send then fails.
  await persist(ctx, job, "record", () => ctx.store.recordNotification(job.key as RequestKey, job.ownerId, record));
  ctx.logger.info({ key: job.key, ownerId: job.ownerId, messageId: record.messageId }, "pairing request alert sent");
  return DONE;
}

async function showOutcome(ctx: JobContext, job: Extract<NotifierJob, { type: "outcome" }>): Promise<Attempt> {
  const { chatId, messageId } = job.sent;
  // Without reply_markup the edit drops the Approve / Deny buttons.
  const failure = await call(ctx, () => ctx.api.editMessageText(chatId, messageId, ctx.texts.outcome(job.card, job.outcome, job.ownerId).text, HTML, ctx.signal));
  if (failure && !alreadyThere(failure)) {
    const next = giveUpOrRetry(ctx, job, failure);
    if (!next.done) return next;
  }
  await persist(ctx, job, "forget", () => ctx.store.forgetNotification(job.key as RequestKey, job.ownerId));
  return DONE;
}

/** A setup code is dead: delete the message that showed it, or blank it when too old to delete. */
async function clearSetupCode(ctx: JobContext, job: Extract<NotifierJob, { type: "clear-setup" }>): Promise<Attempt> {
  const { chatId, messageId } = job.sent;
  let failure: FailedCall | undefined = { kind: "cannot-delete", error: undefined };
  if (ctx.clock() - Date.parse(job.sent.sentAt) < DELETE_WINDOW_MS) {
    failure = await call(ctx, () => ctx.api.deleteMessage(chatId, messageId, ctx.signal));
  }
  if (failure?.kind === "cannot-delete") {
    const text = ctx.texts.setupCodeGone(job.outcome, job.ownerId).text;
    failure = await call(ctx, () => ctx.api.editMessageText(chatId, messageId, text, HTML, ctx.signal));
    if (failure?.kind === "no-text") {
      failure = await call(ctx, () => ctx.api.editMessageCaption(chatId, messageId, { caption: text, parse_mode: "HTML" }, ctx.signal));
    }
  }
  if (failure && !alreadyThere(failure)) {
    const next = giveUpOrRetry(ctx, job, failure);
    if (!next.done) return next;
  }
  await persist(ctx, job, "forget", () => ctx.store.forgetNotification(job.key as RequestKey, job.ownerId));
  return DONE;
}

type FailedCall = Failure & { error: unknown };

/** Runs one Bot API call (rendering included); undefined when it worked, else what went wrong. */
async function call(ctx: JobContext, work: () => Promise<unknown>): Promise<FailedCall | undefined> {
  try {
    await work();
    return undefined;
  } catch (error) {
    return { ...classifyFailure(error, ctx.signal.aborted), error };
  }
}

/** The edit or delete wanted is already the state of the chat. */
const alreadyThere = (failure: Failure): boolean => failure.kind === "not-modified" || failure.kind === "message-gone";

/**
 * What the queue should do after an unexpected failure: retry what may pass later (429, 5xx, network),
 * give up with one log line on what never will (403, a refused text, a bug).
 */
function giveUpOrRetry(ctx: JobContext, job: NotifierJob, failure: FailedCall | undefined): Attempt {
  if (!failure) return DONE;
  const fields = { key: job.key, ownerId: job.ownerId, error: describeError(failure.error) };
  switch (failure.kind) {
    case "stopped":
      return { done: false };
    case "transient":
      ctx.logger.warn(fields, `Telegram did not take a ${job.type} message now; it will be retried`);
      return failure.retryAfterMs === undefined ? { done: false } : { done: false, retryAfterMs: failure.retryAfterMs };
    case "unreachable":
      ctx.reach.unreachable(job.ownerId, fields);
      return DONE;
    default:
      ctx.logger.error(fields, `Telegram refused a ${job.type} message; it will not be retried`);
      return DONE;
  }
}

/** Store writes after a send must not be lost to a busy lock: a few tries, then say what it means. */
async function persist(ctx: JobContext, job: NotifierJob, what: "record" | "forget", write: () => Promise<void>): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await write();
    } catch (error) {
      if (attempt >= 3) {
        const consequence = what === "record" ? "it may be sent again after a restart" : "it will be tried again after a restart";
        ctx.logger.error({ key: job.key, ownerId: job.ownerId, error: describeError(error) }, `could not ${what} a notification in the store; ${consequence}`);
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, attempt * 500));
    }
  }
}

/** Owners the bot cannot write to (403): one log line each, until a message reaches them again. */
export class OwnerReach {
  private readonly blocked = new Set<number>();

  constructor(private readonly logger: NotifierLogger) {}

  unreachable(ownerId: number, fields: object): void {
    if (this.blocked.has(ownerId)) return;
    this.blocked.add(ownerId);
    this.logger.warn(
      fields,
      `owner ${ownerId} cannot receive messages from the bot (never opened the chat, or blocked it); they must open the bot in Telegram and press Start`,
    );
  }

  reached(ownerId: number): void {
    this.blocked.delete(ownerId);
  }
}
