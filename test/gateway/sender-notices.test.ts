import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { REPLY_KEYS, REPLY_PLACEHOLDERS, loadReplies, renderNotice } from "../../src/gateway/replies.js";
import { localesDir } from "../../src/locales.js";

/** The notice a sender gets for each outcome of their DM pairing request, in their language. */
const replies = loadReplies();
const ann = { channel: "whatsapp", senderId: "+491701234567", name: "Ann" };

describe("notices to the sender", () => {
  it("has a notice for every DM outcome and none for a new request or a device", () => {
    for (const type of ["dm.approved", "dm.denied", "dm.revoked", "dm.expired", "dm.blocked"]) {
      expect(renderNotice(replies, { type, ...ann }, "en"), type).toMatch(/\S/);
    }
    for (const type of ["dm.requested", "device.approved", "device.revoked"]) expect(renderNotice(replies, { type, ...ann }, "en")).toBeUndefined();
  });

  it("names the channel on approval and tells a denied sender no more than that", () => {
    expect(renderNotice(replies, { type: "dm.approved", ...ann }, "en")).toBe("You're in: the owner approved you, and the assistant on whatsapp answers you from now on.");
    expect(renderNotice(replies, { type: "dm.denied", ...ann }, "en")).toBe("The owner declined your request to message this assistant.");
  });

  it("speaks the sender's language, else the gateway's, else English", () => {
    expect(renderNotice(replies, { type: "dm.denied", ...ann, locale: "de-AT" }, "ru")).toMatch(/^Der Besitzer hat deine Anfrage abgelehnt/);
    expect(renderNotice(replies, { type: "dm.denied", ...ann, locale: "fr" }, "ru")).toMatch(/^Владелец отклонил/);
    expect(renderNotice(replies, { type: "dm.denied", ...ann }, "xx")).toMatch(/^The owner declined/);
  });

  it("says until when temporary access lasts, written in the sender's language, in UTC", () => {
    const until = "2026-12-03T14:05:00.000Z";
    expect(renderNotice(replies, { type: "dm.approved", ...ann, until }, "en")).toBe("You're in until Dec 3, 2026, 14:05 UTC: the owner approved you, and the assistant on whatsapp answers you until then.");
    expect(renderNotice(replies, { type: "dm.approved", ...ann, until, locale: "de" }, "en")).toContain("bis 3. Dez. 2026, 14:05 UTC");
  });

  it("has every notice in en, de and ru, using only the placeholders it may", () => {
    for (const [lang, templates] of replies) {
      for (const key of REPLY_KEYS) {
        const used = [...templates[key].matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
        expect(used.every((p) => REPLY_PLACEHOLDERS[key].includes(p!)), `${lang} ${key}`).toBe(true);
      }
      expect(templates.approvedUntil, lang).toContain("{until}");
    }
  });

  it("takes a notice from the replies file (GATEWAY_REPLIES_FILE) like any other reply", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "pairbot-replies-"));
    const file = path.join(dir, "replies.json");
    writeFileSync(file, JSON.stringify({ en: { approved: "Welcome, {name} ({identifier})!" } }));
    const overridden = loadReplies(undefined, file);
    expect(renderNotice(overridden, { type: "dm.approved", ...ann }, "en")).toBe("Welcome, Ann (+491701234567)!");
    expect(renderNotice(overridden, { type: "dm.approved", ...ann, locale: "de" }, "en")).toMatch(/^Du bist drin/);
    writeFileSync(file, JSON.stringify({ en: { denied: "No, {code}." } }));
    expect(() => loadReplies(undefined, file)).toThrow(/"en\.denied" uses the unknown placeholder \{code\}; it may use \{channel\}, \{identifier\}, \{name\}\./);
  });

  it("refuses a template with an unknown placeholder at start, naming the file and the key", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "pairbot-replies-"));
    for (const lang of ["en", "de", "ru"]) writeFileSync(path.join(dir, `${lang}.json`), readFileSync(path.join(localesDir("gateway"), `${lang}.json`)));
    const de = JSON.parse(readFileSync(path.join(dir, "de.json"), "utf8")) as Record<string, string>;
    writeFileSync(path.join(dir, "de.json"), JSON.stringify({ ...de, denied: "Nein, {senderId}." }));
    expect(() => loadReplies(dir)).toThrow(`The reply template "denied" in ${path.join(dir, "de.json")} uses an unknown placeholder {senderId}.`);
  });
});
