#!/usr/bin/env node
// The compiled CLI, bundled into one file so it starts fast; `npm ci` builds it (the "prepare" script).
import("../dist/src/cli/bundle.js").catch((error) => {
  if (error?.code === "ERR_MODULE_NOT_FOUND" && String(error.message).includes("dist/src/cli/bundle.js")) {
    console.error("pairbot is not built yet. Run: npm ci   (or: npm run build)");
    process.exit(2);
  }
  throw error;
});
