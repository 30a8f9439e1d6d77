import { randomBytes, randomInt } from "node:crypto";
import type { UserFromGetMe } from "grammy/types";

/** A token shaped like BotFather's: `<bot id>:<35 url-safe characters>`. */
export function randomBotToken(): string {
  const botId = randomInt(1_000_000_000, 9_000_000_000);
  return `${botId}:AA${randomBytes(32).toString("base64url").slice(0, 33)}`;
}

export function botUserFor(token: string): UserFromGetMe {
  const id = Number(token.split(":")[0]);
  return {
    id: Number.isSafeInteger(id) && id > 0 ? id : 1,
    is_bot: true,
    first_name: "Pairbot Test",
    username: "pairbot_test_bot",
    can_join_groups: true,
    can_read_all_group_messages: false,
    supports_inline_queries: false,
    can_connect_to_business: false,
    has_main_web_app: false,
    has_topics_enabled: false,
    allows_users_to_create_topics: false,
    can_manage_bots: false,
    supports_join_request_queries: false,
  };
}
