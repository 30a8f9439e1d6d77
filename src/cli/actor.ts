import os from "node:os";

/**
 * Who the audit log names for changes made from the command line: `cli:<OS user>`, so two people on one
 * machine are told apart and do not share one wrong-code throttle; `cli` when the OS names no user.
 */
export function cliActor(userInfo: () => { username: string } = os.userInfo): string {
  try {
    const user = userInfo().username;
    return user ? `cli:${user}` : "cli";
  } catch {
    return "cli";
  }
}

export const CLI_ACTOR = cliActor();
