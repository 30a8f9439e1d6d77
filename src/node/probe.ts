import WebSocket from "ws";

export type ProbeResult = { url: string; answers: true } | { url: string; answers: false; reason: string };

/**
 * Whether a pairbot gateway answers at `url`: it opens a WebSocket and waits for the challenge frame,
 * then closes without saying hello (no token is sent, nothing is stored).
 */
export function probeGateway(url: string, timeoutMs = 3000): Promise<ProbeResult> {
  return new Promise((resolve) => {
    let done = false;
    const ws = new WebSocket(url, { handshakeTimeout: timeoutMs });
    const finish = (result: ProbeResult) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      ws.terminate();
      resolve(result);
    };
    const timer = setTimeout(() => finish({ url, answers: false, reason: `no answer within ${timeoutMs / 1000} s` }), timeoutMs);
    ws.on("error", (e: Error & { code?: string }) => finish({ url, answers: false, reason: e.code ?? e.message }));
    ws.on("close", (code) => finish({ url, answers: false, reason: `closed (${code})` }));
    ws.on("message", (data) => {
      let type: unknown;
      try {
        type = (JSON.parse(data.toString()) as { type?: unknown }).type;
      } catch {
        type = undefined;
      }
      finish(type === "challenge" ? { url, answers: true } : { url, answers: false, reason: "not a pairbot gateway" });
    });
  });
}
