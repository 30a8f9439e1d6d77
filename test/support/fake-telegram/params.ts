import { badRequest, type ApiError } from "./api-error.js";
import { isUploadedFile, type RawParams, type UploadedFile } from "./request-body.js";

/** Reads a method's parameters the way the Bot API does: form values are strings, objects are JSON strings. */
export class Params {
  constructor(readonly raw: RawParams) {}

  has(name: string): boolean {
    const value = this.raw[name];
    return value !== undefined && value !== null && value !== "";
  }

  /** A chat id: an integer, or an `@username` string. */
  chatId(name = "chat_id"): number | string {
    const value = this.raw[name];
    if (value === undefined || value === null || value === "") throw badRequest(`${name} is empty`);
    if (typeof value === "number" && Number.isSafeInteger(value)) return value;
    if (typeof value === "string" && /^-?\d+$/.test(value.trim())) return Number(value.trim());
    if (typeof value === "string" && value.startsWith("@")) return value;
    throw badRequest("chat not found");
  }

  int(name: string, missing: ApiError = badRequest(`${name} is empty`)): number {
    const value = this.optionalInt(name);
    if (value === undefined) throw missing;
    return value;
  }

  optionalInt(name: string): number | undefined {
    const value = this.raw[name];
    if (value === undefined || value === null || value === "") return undefined;
    const number = typeof value === "number" ? value : typeof value === "string" ? Number(value.trim()) : NaN;
    if (!Number.isSafeInteger(number)) throw badRequest(`field "${name}" must be of type Integer`);
    return number;
  }

  string(name: string, missing: ApiError = badRequest(`${name} is empty`)): string {
    const value = this.optionalString(name);
    if (value === undefined) throw missing;
    return value;
  }

  optionalString(name: string): string | undefined {
    const value = this.raw[name];
    if (value === undefined || value === null) return undefined;
    if (typeof value === "string") return value;
    if (typeof value === "number" || typeof value === "boolean") return String(value);
    throw badRequest(`field "${name}" must be of type String`);
  }

  bool(name: string): boolean {
    const value = this.raw[name];
    return value === true || value === "true" || value === 1 || value === "1";
  }

  /** An object parameter, sent as JSON (or as a JSON string inside a form). */
  json(name: string, unparsable: ApiError = badRequest(`can't parse ${name} JSON object`)): unknown {
    const value = this.raw[name];
    if (value === undefined || value === null || value === "") return undefined;
    if (typeof value !== "string") return value;
    try {
      return JSON.parse(value);
    } catch {
      throw unparsable;
    }
  }

  /** A file: an uploaded part, or a string (file_id or URL). */
  file(name: string): UploadedFile | string {
    const value = this.raw[name];
    if (isUploadedFile(value)) return value;
    if (typeof value === "string" && value !== "") return value;
    throw badRequest(`there is no ${name} in the request`);
  }
}
