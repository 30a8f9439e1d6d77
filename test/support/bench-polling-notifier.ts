import type { Api } from "grammy";
import type { PairingStore } from "../../src/store/index.js";

/**
 * The reference system's notifier, as the baseline: every `periodMs` it reads the store and sends the
 * owner a message for each pending request it has not announced yet. One loop, so runs never overlap.
 */
export function startPollingNotifier(api: Api, store: PairingStore, owner: number, periodMs = 10_000): { stop(): Promise<void> } {
  const announced = new Set<string>();
  let stopped = false;
  let wake: () => void = () => undefined;

  const tick = async (): Promise<void> => {
    const pending = await store.pending();
    for (const r of pending.dm) {
      if (announced.has(r.id)) continue;
      await api.sendMessage(owner, `New DM pairing request on ${r.channel} from ${r.name ?? r.senderId}: code ${r.code}`);
      announced.add(r.id);
    }
    for (const r of pending.devices) {
      if (announced.has(r.requestId)) continue;
      await api.sendMessage(owner, `New device pairing request: ${r.name} (${r.platform})`);
      announced.add(r.requestId);
    }
  };

  const loop = (async () => {
    while (!stopped) {
      await tick().catch(() => undefined);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, periodMs);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  })();

  return {
    async stop() {
      stopped = true;
      wake();
      await loop;
    },
  };
}
