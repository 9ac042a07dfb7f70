// Starts the real `slipway serve` (the workspace's debug build) on 127.0.0.1 port 0 with a fresh
// data directory, waits for the address it listens on, and hands it to the tests through
// SLIPWAY_URL and SLIPWAY_DATA_DIR; stops it after the suite.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

export const BINARY = resolve(import.meta.dirname, "../../target/debug/slipway");

export default async function startServer(): Promise<() => Promise<void>> {
  const dataDir = mkdtempSync(join(tmpdir(), "slipway-browser-"));
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith("SLIPWAY_")));
  const child = spawn(BINARY, ["serve"], {
    env: { ...env, SLIPWAY_DATA_DIR: dataDir, SLIPWAY_LISTEN: "127.0.0.1:0", SLIPWAY_LOG: "info", SLIPWAY_LOG_FORMAT: "text", NO_COLOR: "1", SLIPWAY_JWT_LEEWAY: "0" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const url = await new Promise<string>((done, fail) => {
    let seen = "";
    const timer = setTimeout(() => fail(new Error(`slipway serve did not start:\n${seen}`)), 30_000);
    const read = (chunk: Buffer) => {
      seen += chunk.toString();
      const found = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(seen);
      if (found?.[1]) {
        clearTimeout(timer);
        done(found[1]);
      }
    };
    child.stdout.on("data", read);
    child.stderr.on("data", read);
    child.on("exit", (code) => fail(new Error(`slipway serve exited (${code}):\n${seen}`)));
  });
  process.env.SLIPWAY_URL = url;
  process.env.SLIPWAY_DATA_DIR = dataDir;
  return async () => {
    child.kill("SIGTERM");
    await new Promise((done) => child.once("exit", done));
    rmSync(dataDir, { recursive: true, force: true });
  };
}
