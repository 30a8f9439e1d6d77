import { defineCommand } from "../define.js";
import { loadGateway } from "../doors.js";

/** `pairbot gateway`: the reference WebSocket gateway; its code is loaded only when it runs. */
export const gatewayCommand = defineCommand({
  name: "gateway",
  summary: "run the reference WebSocket gateway",
  flags: {
    host: { type: "string", value: "H", description: "the address to listen on (default: 127.0.0.1; 0.0.0.0 for every interface)" },
    port: { type: "string", value: "P", description: "the port (default: 18789; 0 picks a free one)" },
    cert: { type: "string", value: "FILE", description: "a PEM certificate for wss:// (with --key)" },
    key: { type: "string", value: "FILE", description: "the PEM private key of --cert" },
    policy: { type: "string", value: "CHANNEL=POLICY,...", description: "DM policy per channel: pairing (default), allowlist, open! (anyone, unasked: the ! confirms it), disabled; *=POLICY for the rest" },
    replies: { type: "string", value: "CHANNEL=MODE,...", description: "what strangers are sent back: full (default: the code and how the owner approves), code-only, silent (nothing; the request is still filed)" },
    accounts: { type: "string", value: "CHANNEL=ACCOUNT,...", description: "the accounts each channel serves, like whatsapp=default,work (default: only default)" },
    "channel-token-file": { type: "string", value: "FILE", description: "tokens channel adapters authenticate with (else only this machine may post)" },
    "max-pending-per-channel": { type: "string", value: "N", description: "pending DM requests a channel may hold, all its accounts together (default: 10)" },
    "max-pending": { type: "string", value: "N", description: "pending DM requests over all channels (default: 50)" },
    "max-connections": { type: "string", value: "N", description: "open sockets at once (default: half the open-file limit less 64, at most 4096)" },
    "max-connections-per-address": { type: "string", value: "N", description: "open sockets from one address, an IPv6 /64 counting as one (default: 32)" },
    "trust-proxy": { type: "string", value: "ADDR,...", description: "reverse proxies whose X-Forwarded-For is believed (default: none)" },
    locale: { type: "string", choices: ["en", "de", "ru"], description: "the language of replies to senders (default: en)" },
  },
  notes: [
    "Environment: GATEWAY_DM_POLICY, GATEWAY_REPLIES, GATEWAY_REPLIES_FILE (texts per language), GATEWAY_ACCOUNTS, GATEWAY_CHANNEL_TOKEN_FILE, GATEWAY_TRUST_PROXY, GATEWAY_LOCALE (flags win). See docs/gateway-protocol.md.",
  ],
  examples: ["pairbot gateway", "pairbot gateway --host 0.0.0.0 --policy whatsapp=pairing,*=disabled"],
  async run(input, ctx): Promise<number> {
    return (await loadGateway()).runGateway(input, ctx);
  },
});
