// Starts the real `slipway serve` (the workspace's debug build) on 127.0.0.1 port 0 with a fresh
// data directory, waits for the address it listens on, and hands it to the tests through
// SLIPWAY_URL and SLIPWAY_DATA_DIR; stops it after the suite. A spec restarts it (same port,
// same data directory) through SLIPWAY_CONTROL_URL: `POST /restart` answers once the new process
// listens.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

export const BINARY = resolve(import.meta.dirname, "../../target/debug/slipway");

/** Starts `slipway serve` on `listen`; resolves to the process and the URL it listens on. */
function serve(dataDir: string, listen: string): Promise<{ child: ChildProcess; url: string }> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith("SLIPWAY_")));
  const child = spawn(BINARY, ["serve"], {
    env: { ...env, SLIPWAY_DATA_DIR: dataDir, SLIPWAY_LISTEN: listen, SLIPWAY_LOG: "info", SLIPWAY_LOG_FORMAT: "text", NO_COLOR: "1", SLIPWAY_JWT_LEEWAY: "0" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  return new Promise((done, fail) => {
    let seen = "";
    const timer = setTimeout(() => fail(new Error(`slipway serve did not start:\n${seen}`)), 30_000);
    const read = (chunk: Buffer) => {
      seen += chunk.toString();
      const found = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(seen);
      if (found?.[1]) {
        clearTimeout(timer);
        done({ child, url: found[1] });
      }
    };
    child.stdout?.on("data", read);
    child.stderr?.on("data", read);
    child.on("exit", (code) => fail(new Error(`slipway serve exited (${code}):\n${seen}`)));
  });
}

/** Stops a server process and waits until it is gone. */
async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((done) => child.once("exit", done));
  child.kill("SIGTERM");
  await exited;
}

export default async function startServer(): Promise<() => Promise<void>> {
  const dataDir = mkdtempSync(join(tmpdir(), "slipway-browser-"));
  let current = await serve(dataDir, "127.0.0.1:0");
  const { url } = current;
  const control = createServer((request, response) => {
    if (request.method !== "POST" || request.url !== "/restart") return void response.writeHead(404).end();
    void (async () => {
      try {
        await stop(current.child);
        current = await serve(dataDir, new URL(url).host);
        response.writeHead(204).end();
      } catch (error) {
        response.writeHead(500).end(String(error));
      }
    })();
  });
  await new Promise<void>((done) => control.listen(0, "127.0.0.1", done));
  process.env.SLIPWAY_URL = url;
  process.env.SLIPWAY_DATA_DIR = dataDir;
  process.env.SLIPWAY_CONTROL_URL = `http://127.0.0.1:${(control.address() as AddressInfo).port}`;
  return async () => {
    await new Promise((done) => control.close(done));
    await stop(current.child);
    rmSync(dataDir, { recursive: true, force: true });
  };
}
