import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { ApiError, unauthorized } from "./api-error.js";
import type { BotApi } from "./bot-api.js";
import { parseParams, readBody } from "./request-body.js";
import type { FakeState } from "./state.js";

const API_PATH = /^\/bot([^/]+)\/([^/?]+)\/?$/;
const FILE_PATH = /^\/file\/bot([^/]+)\/(.+)$/;

export interface Listening {
  apiRoot: string;
  /** Stops accepting, lets requests in flight answer, then closes every connection. */
  close(): Promise<void>;
}

/** Serves `/bot<token>/<method>` and `/file/bot<token>/<path>` on 127.0.0.1 at a random port. */
export async function listen(state: FakeState, api: BotApi): Promise<Listening> {
  const inFlight = new Set<Promise<void>>();
  const server = createServer((req, res) => {
    const handling = handle(state, api, req, res).catch((error: unknown) => {
      if (!res.headersSent) send(res, 500, { ok: false, error_code: 500, description: "Internal Server Error" });
      // a bug in the fake itself: make it loud in the test output
      console.error("fake-telegram:", error);
    });
    inFlight.add(handling);
    void handling.finally(() => inFlight.delete(handling));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    apiRoot: `http://127.0.0.1:${port}`,
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      await Promise.allSettled([...inFlight]);
      server.closeAllConnections();
      await closed;
    },
  };
}

async function handle(state: FakeState, api: BotApi, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? "/", "http://127.0.0.1");
  const file = FILE_PATH.exec(url.pathname);
  if (file) return serveFile(state, file[1] ?? "", decodeURIComponent(file[2] ?? ""), res);
  const route = API_PATH.exec(url.pathname);
  if (!route) return send(res, 404, { ok: false, error_code: 404, description: "Not Found" });
  if (route[1] !== state.token) return send(res, 401, unauthorized().toJSON());
  let body: Buffer;
  try {
    body = await readBody(req);
  } catch (error) {
    if (error instanceof ApiError) return send(res, error.errorCode, error.toJSON());
    throw error;
  }
  const hangUp = new AbortController();
  res.on("close", () => hangUp.abort());
  const outcome = await api.call(
    decodeURIComponent(route[2] ?? ""),
    () => parseParams(url, req.headers["content-type"], body),
    hangUp.signal,
  );
  if (outcome.kind === "drop") {
    req.socket.destroy(); // like a connection reset: the client gets no answer at all
    return;
  }
  if (!res.destroyed) send(res, outcome.status, outcome.body);
}

function serveFile(state: FakeState, token: string, path: string, res: ServerResponse): void {
  const file = [...state.files.values()].find((candidate) => candidate.filePath === path);
  if (token !== state.token || !file) return send(res, 404, { ok: false, error_code: 404, description: "Not Found" });
  res.writeHead(200, { "content-type": "application/octet-stream", "content-length": file.bytes.length });
  res.end(file.bytes);
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const json = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(json) });
  res.end(json);
}
