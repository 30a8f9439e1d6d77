import { RoleSchema } from "../../store/schema.js";
import { defineCommand, defineGroup } from "../define.js";
import { loadNode } from "../doors.js";

/** `pairbot node ...`: the stand-in for a phone app that pairs with the gateway; loaded only when it runs. */

const STATE_FLAG = { type: "string", value: "FILE", description: "where the device keeps its key and token (default: $PAIRBOT_NODE_STATE, else ~/.pairbot/node.json)" } as const;

const pair = defineCommand({
  name: "pair",
  summary: "pair this machine as a device (a stand-in for the app)",
  args: [{ name: "setupCode", description: "the setup code from the owner's /pair message or pairbot setup-code" }],
  flags: {
    name: { type: "string", value: "N", description: "the name the owner sees (default: this machine's host name)" },
    platform: { type: "string", value: "P", description: "the platform the owner sees (default: this OS)" },
    role: { type: "string", choices: RoleSchema.options, description: "the role to ask for (default: node)" },
    scopes: { type: "string", value: "a,b", description: "the scopes to ask for, comma-separated" },
    state: STATE_FLAG,
  },
  notes: ["Tries the gateway addresses in the setup code in order, says which did not answer, and names the one that did."],
  examples: ["pairbot node pair eyJ1cmwiOi... --name 'Kitchen iPad'"],
  async run(input, ctx): Promise<number> {
    return (await loadNode()).runNodePair(input, ctx);
  },
});

const connect = defineCommand({
  name: "connect",
  summary: "connect as a paired device",
  flags: { state: STATE_FLAG, stay: { type: "boolean", description: "stay connected until Ctrl-C, or until the owner revokes the device" } },
  async run(input, ctx): Promise<number> {
    return (await loadNode()).runNodeConnect(input, ctx);
  },
});

export const nodeGroup = defineGroup({ name: "node", summary: "a device that pairs with the gateway", commands: [pair, connect] });

export type NodePairInput = Parameters<typeof pair.run>[0];
export type NodeConnectInput = Parameters<typeof connect.run>[0];
