import { NotificationEngine, type Notifier, type NotifierOptions } from "./engine.js";

export type { Notifier, NotifierOptions } from "./engine.js";
export type { NotifierLogger } from "./jobs.js";
export type { DeliveryLimits } from "./chat-queues.js";
export { TELEGRAM_LIMITS } from "./chat-queues.js";
export * from "./texts.js";

/**
 * Starts the push notifications: alerts for new pairing requests, outcome edits, setup-code clean-up,
 * all driven by the store's change feed. Resolves once what was missed while the bot was down is queued.
 */
export async function startNotifier(options: NotifierOptions): Promise<Notifier> {
  const engine = new NotificationEngine(options);
  await engine.start();
  return engine;
}
