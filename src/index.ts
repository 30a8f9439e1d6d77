/**
 * pairbot as a library, for gateways written in Node: `import { openStore } from "pairbot"` gives the
 * same store the bot, the CLI and the reference gateway use, with its rules (docs/store.md). A gateway
 * asks `isAllowed` for each message, `requestDmPairing` for an unknown sender (and sends back the code),
 * and `watch`es the store to learn of decisions as the owner makes them.
 */
export {
  openStore,
  storeLocation,
  locationOf,
  describeLocation,
  PairingStore,
  PairbotError,
  isPairbotError,
  gatewayUrl,
  decodeSetupCode,
  DEFAULT_POLICY,
} from "./store/index.js";
export type {
  StoreLocation,
  OpenStoreOptions,
  StoreOptions,
  DmRequestInput,
  DmRequestResult,
  DmTarget,
  DmRequest,
  DeviceRequest,
  PairedDevice,
  AuditEntry,
  Role,
  Scope,
  Pending,
  Policy,
  StoreEvent,
  StoreFeed,
  FeedOptions,
  PairbotErrorCode,
  Clock,
} from "./store/index.js";
