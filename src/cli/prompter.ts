/** Questions to the person at the terminal; absent when there is none (a pipe, a script, CI). */
export interface Prompter {
  /** The value picked with the arrow keys and Enter; undefined when the person cancels (Esc, Ctrl-C). */
  choose<T>(message: string, options: readonly { value: T; label: string; hint?: string }[]): Promise<T | undefined>;
  /** Yes or no; false when cancelled. */
  confirm(message: string): Promise<boolean>;
}

/** @clack/prompts on the process's terminal, loaded only when a question is asked. */
export const terminalPrompter: Prompter = {
  async choose(message, options) {
    const { select, isCancel } = await import("@clack/prompts");
    // Picks by position: clack then deals in numbers, whatever the caller's values are.
    const picked = await select({ message, options: options.map((o, i) => ({ value: i, label: o.label, ...(o.hint ? { hint: o.hint } : {}) })) });
    return isCancel(picked) ? undefined : options[picked]?.value;
  },
  async confirm(message) {
    const { confirm, isCancel } = await import("@clack/prompts");
    const answer = await confirm({ message });
    return !isCancel(answer) && answer;
  },
};
