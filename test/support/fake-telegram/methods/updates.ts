import { badRequest, conflict } from "../api-error.js";
import type { Params } from "../params.js";
import { Described, type MethodHandler } from "../state.js";

const SECRET_TOKEN = /^[A-Za-z0-9_-]{1,256}$/;
const WEBHOOK_ACTIVE = "can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first";

function allowedUpdates(params: Params): string[] | undefined {
  const list = params.json("allowed_updates");
  if (list === undefined) return undefined;
  if (!Array.isArray(list) || !list.every((item) => typeof item === "string")) {
    throw badRequest("can't parse allowed_updates JSON array");
  }
  return list;
}

export const updateMethods: Record<string, MethodHandler> = {
  getUpdates: ({ state, params, abort }) => {
    if (state.webhook.settings) {
      throw conflict(WEBHOOK_ACTIVE);
    }
    state.updates.setAllowed(allowedUpdates(params));
    const limit = Math.min(100, Math.max(1, params.optionalInt("limit") ?? 100));
    const timeout = Math.max(0, params.optionalInt("timeout") ?? 0);
    return state.updates.poll(params.optionalInt("offset"), limit, timeout, abort);
  },

  setWebhook: ({ state, params }) => {
    const url = params.optionalString("url") ?? "";
    if (url === "") {
      state.webhook.remove();
      return new Described(true, "Webhook was deleted");
    }
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw badRequest("bad webhook: Failed to resolve host: Name or service not known");
    }
    // Telegram wants HTTPS; the fake also takes http:// so tests can use a local server
    if (parsed.protocol !== "https:" && parsed.protocol !== "http:") {
      throw badRequest("bad webhook: An HTTPS URL must be provided for webhook");
    }
    const secretToken = params.optionalString("secret_token");
    if (secretToken !== undefined && secretToken !== "" && !SECRET_TOKEN.test(secretToken)) {
      throw badRequest("secret token contains unallowed characters");
    }
    const maxConnections = params.optionalInt("max_connections") ?? 40;
    if (maxConnections < 1 || maxConnections > 100) throw badRequest("invalid max_connections specified");
    if (params.bool("drop_pending_updates")) state.updates.drop();
    state.updates.setAllowed(allowedUpdates(params));
    const ipAddress = params.optionalString("ip_address");
    state.updates.failPoll(conflict(WEBHOOK_ACTIVE)); // a waiting long poll ends: updates go to the webhook now
    state.webhook.set({
      url,
      maxConnections,
      ...(secretToken ? { secretToken } : {}),
      ...(ipAddress ? { ipAddress } : {}),
    });
    return new Described(true, "Webhook was set");
  },

  deleteWebhook: ({ state, params }) => {
    const wasSet = state.webhook.settings !== undefined;
    if (params.bool("drop_pending_updates")) state.updates.drop();
    state.webhook.remove();
    return new Described(true, wasSet ? "Webhook was deleted" : "Webhook is already deleted");
  },

  getWebhookInfo: ({ state }) => {
    const settings = state.webhook.settings;
    const error = state.webhook.lastError;
    const allowed = state.updates.allowedUpdates;
    return {
      url: settings?.url ?? "",
      has_custom_certificate: false,
      pending_update_count: state.updates.size,
      ...(settings ? { max_connections: settings.maxConnections } : {}),
      ...(settings?.ipAddress ? { ip_address: settings.ipAddress } : {}),
      ...(error ? { last_error_date: error.date, last_error_message: error.message } : {}),
      ...(settings && allowed ? { allowed_updates: allowed } : {}),
    };
  },
};
