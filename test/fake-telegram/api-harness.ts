import { Api, GrammyError } from "grammy";
import type { Message } from "grammy/types";
import { startFakeTelegram, type FakeTelegram, type FakeTelegramOptions } from "../support/fake-telegram/index.js";

export const alice = { id: 4242, first_name: "Alice", language_code: "en" };
export const bob = { id: 5353, first_name: "Bob" };

/** A fake server, grammY's Api pointed at it, and Alice's private chat already open. */
export async function apiAgainstFake(
  options: FakeTelegramOptions = {},
): Promise<{ fake: FakeTelegram; api: Api; start: Message }> {
  const fake = await startFakeTelegram(options);
  const api = new Api(fake.token, { apiRoot: fake.apiRoot });
  const start = fake.userSends(alice, "/start");
  return { fake, api, start };
}

/** The refusal a call got, as grammY reports it. */
export async function refusal(call: Promise<unknown>): Promise<{ error_code: number; description: string; retry_after?: number }> {
  try {
    await call;
  } catch (error) {
    if (!(error instanceof GrammyError)) throw error;
    const refused = { error_code: error.error_code, description: error.description };
    return error.parameters.retry_after === undefined ? refused : { ...refused, retry_after: error.parameters.retry_after };
  }
  throw new Error("the call succeeded, but a refusal was expected");
}
