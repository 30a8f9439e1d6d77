import pino, { type Logger } from "pino";

export type { Logger };

// grammY puts the token into every API URL, so any error text may carry it.
const TOKEN_IN_TEXT = /\d{3,}:[A-Za-z0-9_-]{20,}/g;

/** Replaces anything shaped like a bot token (and the given secrets) with a marker. */
export function scrubSecrets(text: string, secrets: readonly string[] = []): string {
  let out = text.replace(TOKEN_IN_TEXT, "[redacted-token]");
  for (const s of secrets) if (s.length >= 8) out = out.split(s).join("[redacted]");
  return out;
}

function scrubDeep(value: unknown, secrets: readonly string[], depth = 0): unknown {
  if (typeof value === "string") return scrubSecrets(value, secrets);
  if (depth > 6 || value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map((v) => scrubDeep(v, secrets, depth + 1));
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scrubDeep(v, secrets, depth + 1)]));
}

/**
 * JSON logs with pairing secrets redacted by key, and the bot token scrubbed from every message
 * and error wherever it appears.
 */
export function createLogger(options: { level: string; secrets?: readonly string[]; destination?: pino.DestinationStream }): Logger {
  const secrets = options.secrets ?? [];
  return pino(
    {
      level: options.level,
      redact: {
        paths: ["token", "botToken", "bootstrapToken", "setupCode", "secret", "*.token", "*.botToken", "*.bootstrapToken", "*.setupCode", "*.secret", "config.webhook.secret"],
        censor: "[redacted]",
      },
      serializers: {
        err: (e: unknown) => scrubDeep(pino.stdSerializers.err(e as Error), secrets),
      },
      hooks: {
        logMethod(args, method) {
          const clean = args.map((a) => (a instanceof Error ? a : scrubDeep(a, secrets)));
          return method.apply(this, clean as Parameters<typeof method>);
        },
      },
    },
    options.destination ?? pino.destination(1),
  );
}
