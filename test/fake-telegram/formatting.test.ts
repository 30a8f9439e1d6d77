import { describe, expect, it } from "vitest";
import { formattedText } from "../support/fake-telegram/formatted-text.js";
import { parseHtml } from "../support/fake-telegram/html-entities.js";
import { parseMarkdownV2 } from "../support/fake-telegram/markdown-v2.js";
import { Params } from "../support/fake-telegram/params.js";

describe("HTML entities", () => {
  it("counts offsets in UTF-16 units, as Telegram does", () => {
    expect(parseHtml("<b>😀</b> <i>x</i>")).toEqual({
      text: "😀 x",
      entities: [
        { type: "bold", offset: 0, length: 2 },
        { type: "italic", offset: 3, length: 1 },
      ],
    });
  });

  it("nests tags, takes any case and any quoting of attributes", () => {
    expect(parseHtml("<B>a<i>b</i></B>").entities).toEqual([
      { type: "bold", offset: 0, length: 2 },
      { type: "italic", offset: 1, length: 1 },
    ]);
    expect(parseHtml("<a href='https://a.org'>x</a><a href=https://b.org>y</a>").entities).toEqual([
      { type: "text_link", offset: 0, length: 1, url: "https://a.org" },
      { type: "text_link", offset: 1, length: 1, url: "https://b.org" },
    ]);
  });

  it("keeps a bare > as text", () => {
    expect(parseHtml("a > b").text).toBe("a > b");
  });
});

describe("text as Telegram stores it", () => {
  it("trims surrounding whitespace and shifts entities", () => {
    const params = new Params({ text: "  \n<b> x</b> y \n", parse_mode: "HTML" });
    expect(formattedText(params, "text")).toEqual({
      text: "x y",
      entities: [{ type: "bold", offset: 0, length: 1 }],
      parseMode: "HTML",
    });
  });

  it("refuses an unknown parse_mode", () => {
    expect(() => formattedText(new Params({ text: "x", parse_mode: "BBCode" }), "text")).toThrow(
      "Bad Request: unsupported parse_mode",
    );
  });
});

describe("MarkdownV2 entities", () => {
  it("parses every marker and escaped characters", () => {
    const parsed = parseMarkdownV2("_i_ __u__ ~s~ ||p|| [l](https://x.org/a\\)b) 1\\.5");
    expect(parsed.text).toBe("i u s p l 1.5");
    expect(parsed.entities).toEqual([
      { type: "italic", offset: 0, length: 1 },
      { type: "underline", offset: 2, length: 1 },
      { type: "strikethrough", offset: 4, length: 1 },
      { type: "spoiler", offset: 6, length: 1 },
      { type: "text_link", offset: 8, length: 1, url: "https://x.org/a)b" },
    ]);
  });

  it("reads the language of a pre block", () => {
    expect(parseMarkdownV2("```ts\nconst a = 1;```")).toEqual({
      text: "const a = 1;",
      entities: [{ type: "pre", offset: 0, length: 12, language: "ts" }],
    });
  });

  it("refuses an entity that never ends", () => {
    expect(() => parseMarkdownV2("*bold")).toThrow("can't parse entities: Can't find end of Bold entity at byte offset 0");
  });

  it("takes the old Markdown, where punctuation needs no escaping", () => {
    expect(parseMarkdownV2("*bold* costs 1.5!", { legacy: true })).toEqual({
      text: "bold costs 1.5!",
      entities: [{ type: "bold", offset: 0, length: 4 }],
    });
  });
});
