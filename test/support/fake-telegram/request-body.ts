import type { IncomingMessage } from "node:http";
import { badRequest } from "./api-error.js";

/** A file part of a multipart request, kept as bytes. */
export interface UploadedFile {
  readonly kind: "file";
  readonly filename: string;
  readonly contentType: string;
  readonly bytes: Buffer;
}

export type RawParams = Record<string, unknown>;

export const MAX_BODY_BYTES = 50 * 1024 * 1024; // Telegram's upload limit for multipart requests

export function isUploadedFile(value: unknown): value is UploadedFile {
  return typeof value === "object" && value !== null && (value as { kind?: unknown }).kind === "file";
}

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw badRequest("request entity too large");
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** Parameters from the query string and the body (JSON, urlencoded or multipart), as Telegram accepts them. */
export function parseParams(url: URL, contentType: string | undefined, body: Buffer): RawParams {
  const params: RawParams = Object.fromEntries(url.searchParams);
  const type = (contentType ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
  if (body.length === 0) return params;
  if (type === "application/json") {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString("utf8"));
    } catch {
      throw badRequest("can't parse JSON object");
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
      throw badRequest("can't parse JSON object");
    }
    return { ...params, ...(parsed as RawParams) };
  }
  if (type === "application/x-www-form-urlencoded") {
    return { ...params, ...Object.fromEntries(new URLSearchParams(body.toString("utf8"))) };
  }
  if (type === "multipart/form-data") {
    const boundary = /boundary="?([^";]+)"?/i.exec(contentType ?? "")?.[1];
    if (boundary === undefined) throw badRequest("can't parse multipart/form-data: no boundary");
    return resolveAttachments({ ...params, ...parseMultipart(body, boundary) });
  }
  return params;
}

/** Replaces top-level `attach://<name>` values by the file part of that name (grammY sends files this way). */
function resolveAttachments(params: RawParams): RawParams {
  const resolved: RawParams = {};
  for (const [key, value] of Object.entries(params)) {
    if (typeof value === "string" && value.startsWith("attach://")) {
      const file = params[value.slice("attach://".length)];
      if (!isUploadedFile(file)) throw badRequest(`file ${value} not found in the request`);
      resolved[key] = file;
    } else {
      resolved[key] = value;
    }
  }
  return resolved;
}

// A small parser: undici's formData() refuses grammY's unquoted filenames.
function parseMultipart(body: Buffer, boundary: string): RawParams {
  const delimiter = Buffer.from(`--${boundary}`);
  const params: RawParams = {};
  let start = body.indexOf(delimiter);
  if (start < 0) throw badRequest("can't parse multipart/form-data: boundary not found");
  while (true) {
    start += delimiter.length;
    if (body.subarray(start, start + 2).toString() === "--") break;
    const next = body.indexOf(delimiter, start);
    if (next < 0) throw badRequest("can't parse multipart/form-data: unterminated part");
    const part = body.subarray(skipNewline(body, start), trimNewline(body, next));
    const headerEnd = part.indexOf("\r\n\r\n");
    if (headerEnd < 0) throw badRequest("can't parse multipart/form-data: part without headers");
    const headers = parseHeaders(part.subarray(0, headerEnd).toString("utf8"));
    const content = part.subarray(headerEnd + 4);
    const disposition = headers.get("content-disposition") ?? "";
    const name = /\bname="([^"]*)"|\bname=([^;\s]+)/i.exec(disposition);
    const fieldName = name?.[1] ?? name?.[2];
    if (fieldName === undefined) throw badRequest("can't parse multipart/form-data: part without a name");
    const filename = /\bfilename="([^"]*)"|\bfilename=([^;\r\n]+)/i.exec(disposition);
    if (filename) {
      params[fieldName] = {
        kind: "file",
        filename: (filename[1] ?? filename[2] ?? "").trim(),
        contentType: headers.get("content-type") ?? "application/octet-stream",
        bytes: Buffer.from(content),
      } satisfies UploadedFile;
    } else {
      params[fieldName] = content.toString("utf8");
    }
    start = next;
  }
  return params;
}

function parseHeaders(block: string): Map<string, string> {
  const headers = new Map<string, string>();
  for (const line of block.split("\r\n")) {
    const colon = line.indexOf(":");
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return headers;
}

const skipNewline = (body: Buffer, at: number): number =>
  body[at] === 0x0d && body[at + 1] === 0x0a ? at + 2 : at;
const trimNewline = (body: Buffer, at: number): number =>
  body[at - 2] === 0x0d && body[at - 1] === 0x0a ? at - 2 : at;
