import { afterEach, expect, it } from "vitest";
import { tempStore } from "../support/temp-store.js";

let cleanup: () => void = () => undefined;
afterEach(() => cleanup());

it("an owner's language and notification switch are kept independently", async () => {
  const t = tempStore();
  cleanup = t.remove;
  await t.store.setOwnerLocale(42, "de");
  expect((await t.store.ownerSettings(42)).notify).toBe(true);
  await t.store.setNotify(42, false);
  expect((await t.store.read()).owners["42"]).toEqual({ notify: false, locale: "de" });
  await t.store.setOwnerLocale(42, "ru");
  expect((await t.store.read()).owners["42"]).toEqual({ notify: false, locale: "ru" });
});

it("an owner's time zone is kept in its canonical IANA spelling, beside the other settings; a made-up zone is refused", async () => {
  const t = tempStore();
  cleanup = t.remove;
  await t.store.setOwnerLocale(42, "de");
  expect(await t.store.setOwnerTimeZone(42, "europe/berlin")).toBe("Europe/Berlin");
  await t.store.setNotify(42, false);
  await t.store.setOwnerLocale(42, "ru");
  expect((await t.store.read()).owners["42"]).toEqual({ notify: false, locale: "ru", timeZone: "Europe/Berlin" });
  await expect(t.store.setOwnerTimeZone(42, "Mars/Olympus")).rejects.toThrow(/^Invalid time zone: "Mars\/Olympus" is not an IANA time zone name; use Area\/City/);
  expect((await t.store.ownerSettings(42)).timeZone).toBe("Europe/Berlin");
});
