import pino from "pino";

/** What the gateway logs through; pino fits. Log objects never carry tokens, codes or signatures. */
export interface GatewayLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/** Belt and braces: even a field added by mistake under these names is masked. */
export const SECRET_PATHS = ["bootstrapToken", "deviceToken", "token", "signature", "setupCode", "code", "*.bootstrapToken", "*.deviceToken", "*.token", "*.signature", "*.setupCode"];

export function gatewayLogger(level = process.env["LOG_LEVEL"] ?? "info"): GatewayLog {
  return pino({ name: "pairbot-gateway", level, redact: { paths: SECRET_PATHS, censor: "[redacted]" } }, pino.destination(2));
}

export const silentLog: GatewayLog = { info: () => undefined, warn: () => undefined, error: () => undefined };
