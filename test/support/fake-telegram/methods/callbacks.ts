import { badRequest } from "../api-error.js";
import type { MethodHandler } from "../state.js";

const MAX_ANSWER_TEXT = 200;

export const callbackMethods: Record<string, MethodHandler> = {
  answerCallbackQuery: ({ state, params }) => {
    const id = params.string("callback_query_id", badRequest("query_id is empty"));
    const query = state.callbackQueries.get(id);
    if (!query || query.answer) throw badRequest("query is too old and response timeout expired or query ID is invalid");
    const text = params.optionalString("text");
    if (text !== undefined && [...text].length > MAX_ANSWER_TEXT) throw badRequest("MESSAGE_TOO_LONG");
    const url = params.optionalString("url");
    const cacheTime = params.optionalInt("cache_time");
    query.answer = {
      show_alert: params.bool("show_alert"),
      at: state.now(),
      ...(text !== undefined ? { text } : {}),
      ...(url !== undefined ? { url } : {}),
      ...(cacheTime !== undefined ? { cache_time: cacheTime } : {}),
    };
    state.signal.notify();
    return true;
  },
};
