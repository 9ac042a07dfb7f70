// The dashboard's build: the bundle goes where the `slipway` binary embeds it, with content
// hashes in every asset name (the server caches those for a year and `index.html` never).
import { defineConfig } from "vitest/config";
import react from "@vitejs/plugin-react";

export default defineConfig({
  plugins: [react()],
  build: {
    outDir: "../crates/slipway-server/assets/dashboard",
    emptyOutDir: true,
    assetsDir: "assets",
    sourcemap: false,
    // One module-preload-free entry: no inline script, so the page runs under a strict CSP.
    modulePreload: { polyfill: false },
    reportCompressedSize: false,
  },
  server: {
    proxy: {
      "/graphql": { target: "http://127.0.0.1:8080", ws: true },
    },
  },
  test: {
    environment: "jsdom",
    globals: true,
    include: ["src/**/*.test.{ts,tsx}"],
    setupFiles: ["src/test/setup.ts"],
    // Typing through user-event is slow on a busy 2-core machine.
    testTimeout: 30_000,
  },
});
