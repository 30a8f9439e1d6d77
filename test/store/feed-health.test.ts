import { afterEach, expect, it, vi } from "vitest";
import { tempLocation } from "../support/temp-store.js";

let cleanup: () => void = () => undefined;
afterEach(() => cleanup());

it("a feed says whether it is woken at once, when it last saw a change (from another process too), and nothing failed", async () => {
  const place = tempLocation();
  cleanup = place.remove;
  let now = Date.parse("2026-11-21T12:00:00Z");
  const bot = place.open({ clock: () => now });
  const feed = bot.watch(() => undefined);
  cleanup = () => {
    feed.close();
    place.remove();
  };
  await feed.ready;
  expect(feed.health()).toMatchObject({ lastChangeAt: undefined, lastError: undefined });
  // The folder watch, or PostgreSQL's LISTEN, is in place once the feed is up.
  await vi.waitFor(() => expect(feed.health().mode).toBe("watching"));

  now += 60_000;
  await place.open().requestDmPairing({ channel: "whatsapp", senderId: "+491701234567" }); // another store, as a gateway would be
  await vi.waitFor(() => expect(feed.health().lastChangeAt).toBe(now));
  expect(feed.health().lastError).toBeUndefined();
});
