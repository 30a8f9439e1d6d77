import { createHash, randomBytes } from "node:crypto";
import { badRequest } from "../api-error.js";
import { formattedText } from "../formatted-text.js";
import { imageSize } from "../images.js";
import { replyTarget, storeBotMessage } from "../message-store.js";
import type { Params } from "../params.js";
import { acceptReplyMarkup } from "../reply-markup.js";
import type { FakeState, MethodHandler, StoredFile } from "../state.js";

const CHAT_ACTIONS = new Set([
  "typing",
  "upload_photo",
  "record_video",
  "upload_video",
  "record_voice",
  "upload_voice",
  "upload_document",
  "choose_sticker",
  "find_location",
  "record_video_note",
  "upload_video_note",
]);
const MAX_PHOTO_BYTES = 10 * 1024 * 1024;

function extraFields(params: Params): Record<string, unknown> {
  const extra: Record<string, unknown> = {};
  const preview = params.json("link_preview_options");
  if (preview !== undefined) extra["link_preview_options"] = preview;
  if (params.bool("protect_content")) extra["has_protected_content"] = true;
  return extra;
}

/** A photo from an upload, or from the file_id of a photo sent before. */
function acceptPhoto(state: FakeState, params: Params): StoredFile {
  const photo = params.file("photo");
  if (typeof photo === "string") {
    const known = state.files.get(photo);
    if (known) return known;
    if (/^https?:\/\//.test(photo)) throw badRequest("failed to get HTTP URL content");
    throw badRequest("wrong file identifier/HTTP URL specified");
  }
  if (photo.bytes.length > MAX_PHOTO_BYTES) throw badRequest("PHOTO_INVALID_DIMENSIONS");
  const size = imageSize(photo.bytes);
  if (size === undefined) throw badRequest("IMAGE_PROCESS_FAILED");
  const fileUniqueId = createHash("sha256").update(photo.bytes).digest("base64url").slice(0, 16);
  const file: StoredFile = {
    fileId: `AgAC${randomBytes(24).toString("base64url")}`,
    fileUniqueId,
    filePath: `photos/file_${state.files.size}.${size.format === "png" ? "png" : "jpg"}`,
    bytes: photo.bytes,
    width: size.width,
    height: size.height,
  };
  state.files.set(file.fileId, file);
  return file;
}

export const messageMethods: Record<string, MethodHandler> = {
  sendMessage: ({ state, params }) => {
    const chat = state.chats.forSending(params.chatId());
    const { text, entities, parseMode } = formattedText(params, "text");
    const markup = acceptReplyMarkup(params.json("reply_markup"));
    const reply = replyTarget(chat, params);
    state.flood.admit(chat.chat.id);
    return storeBotMessage(state, chat, {
      text,
      entities,
      ...(parseMode ? { parseMode } : {}),
      ...(markup.inline ? { inline: markup.inline } : {}),
      ...(markup.other ? { otherMarkup: markup.other } : {}),
      extra: { ...reply, ...extraFields(params) },
    });
  },

  sendPhoto: ({ state, params }) => {
    const chat = state.chats.forSending(params.chatId());
    const { text: caption, entities, parseMode } = formattedText(params, "caption");
    const markup = acceptReplyMarkup(params.json("reply_markup"));
    const reply = replyTarget(chat, params);
    const file = acceptPhoto(state, params);
    state.flood.admit(chat.chat.id);
    return storeBotMessage(state, chat, {
      caption,
      entities,
      photo: file,
      ...(parseMode ? { parseMode } : {}),
      ...(markup.inline ? { inline: markup.inline } : {}),
      ...(markup.other ? { otherMarkup: markup.other } : {}),
      extra: { ...reply, ...extraFields(params) },
    });
  },

  sendChatAction: ({ state, params }) => {
    const chat = state.chats.forSending(params.chatId());
    const action = params.string("action", badRequest("wrong parameter action in request"));
    if (!CHAT_ACTIONS.has(action)) throw badRequest("wrong parameter action in request");
    chat.actions.push({ action, at: state.now() });
    state.signal.notify();
    return true;
  },

  getFile: ({ state, params }) => {
    const file = state.files.get(params.string("file_id", badRequest("file_id is empty")));
    if (!file) throw badRequest("wrong file_id or the file is temporarily unavailable");
    return {
      file_id: file.fileId,
      file_unique_id: file.fileUniqueId,
      file_size: file.bytes.length,
      file_path: file.filePath,
    };
  },
};
