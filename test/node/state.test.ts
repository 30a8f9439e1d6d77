import { lstatSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { loadNodeState, newNodeState, saveNodeState } from "../../src/node/state.js";
import { tempDir } from "../support/temp-store.js";

let folder: ReturnType<typeof tempDir>;
afterEach(() => folder?.remove());

describe("the node's state file", () => {
  it("is never written through a file someone planted at a guessable temp name", async () => {
    folder = tempDir("pairbot-node-");
    const file = path.join(folder.dir, "node.json");
    const stolen = path.join(folder.dir, "planted-by-someone-else.json");
    writeFileSync(stolen, "");
    symlinkSync(stolen, `${file}.${process.pid}.tmp`);
    const state = newNodeState();
    await saveNodeState(file, state);
    expect(readFileSync(stolen, "utf8")).toBe(""); // the key went nowhere else
    expect(lstatSync(file).isFile()).toBe(true);
    expect(lstatSync(file).mode & 0o777).toBe(0o600);
    expect(await loadNodeState(file)).toEqual(state);
  });

  it("leaves no temp file behind, also when saved twice at once", async () => {
    folder = tempDir("pairbot-node-");
    const file = path.join(folder.dir, "node.json");
    await Promise.all([saveNodeState(file, newNodeState()), saveNodeState(file, newNodeState())]);
    expect(readdirSync(folder.dir)).toEqual(["node.json"]);
  });
});
