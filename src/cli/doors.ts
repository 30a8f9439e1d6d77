/**
 * The gateway and the node client, loaded only when run (they pull in ws and crypto). These imports
 * must stay in this folder: the CLI bundle lies here, and package.json's bundle-cli keeps them external.
 */
export const loadGateway = () => import("../gateway/cli.js");
export const loadNode = () => import("../node/cli.js");
/** Importing the bot's entry starts it, as `npm start` does. */
export const startBot = () => import("../bot/main.js");
