/** Every failure a user can cause or meet carries a stable code and one sentence that says how to fix it. */
export type PairbotErrorCode =
  | "invalid_input"
  | "ambiguous_account"
  | "not_found"
  | "store_corrupt"
  | "store_too_new"
  | "store_busy"
  | "store_unavailable"
  | "token_invalid"
  | "token_expired"
  | "token_bound"
  | "scope_denied"
  | "throttled"
  | "setup_code_invalid"
  | "config_invalid"
  | "events_pruned";

/**
 * A brand shared by every copy of this module: the bundled CLI and the gateway it loads each carry
 * their own PairbotError class, so `instanceof` cannot recognise the other copy's errors.
 */
const PAIRBOT_ERROR = Symbol.for("pairbot.error");

export class PairbotError extends Error {
  override readonly name = "PairbotError";
  readonly [PAIRBOT_ERROR] = true;
  constructor(
    readonly code: PairbotErrorCode,
    message: string,
    /** What the error is about (ids, names, counts), so each door can write its own sentence. */
    readonly data: Readonly<Record<string, string | number | readonly string[]>> = {},
  ) {
    super(message);
  }
}

export function invalidInput(field: string, reason: string): PairbotError {
  return new PairbotError("invalid_input", `Invalid ${field}: ${reason}`);
}

/** True for a PairbotError from any copy of pairbot loaded in this process. */
export const isPairbotError = (e: unknown): e is PairbotError =>
  e instanceof PairbotError || (e instanceof Error && (e as { [PAIRBOT_ERROR]?: unknown })[PAIRBOT_ERROR] === true && typeof (e as { code?: unknown }).code === "string");
