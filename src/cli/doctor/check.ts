/**
 * One line of `pairbot doctor`: ok; warn (worth knowing, maybe chosen on purpose); fix (something needs
 * doing: exit 1); skip (could not be checked here, and why).
 */
export interface Check {
  /** Stable for scripts: "store.file", "telegram.webhook", ... (docs/cli.md lists them). */
  id: string;
  status: "ok" | "warn" | "fix" | "skip";
  /** One sentence: what was found and, unless ok, what to do. */
  text: string;
}

export const ok = (id: string, text: string): Check => ({ id, status: "ok", text });
export const warn = (id: string, text: string): Check => ({ id, status: "warn", text });
export const fix = (id: string, text: string): Check => ({ id, status: "fix", text });
export const skip = (id: string, text: string): Check => ({ id, status: "skip", text });

/** "0640" from 0o640. */
export const octal = (mode: number): string => "0" + mode.toString(8).padStart(3, "0");
