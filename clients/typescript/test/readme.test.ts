/** The README tour's TypeScript lines, run as written against a server holding the tour's prompt. */

import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { test } from "node:test";

import { Slipway } from "./server.js";

const PACKAGE = resolve(fileURLToPath(import.meta.url), "../../..");

function tourBlock(language: string): string {
  const readme = readFileSync(join(PACKAGE, "../../README.md"), "utf8");
  let tour = readme.slice(readme.indexOf("## A five-minute tour"));
  tour = tour.slice(0, tour.indexOf("\n## ", 1));
  return tour.split("```" + language + "\n")[1]!.split("```")[0]!;
}

test("the README reads the prompt in five lines", async () => {
  const slipway = await Slipway.start();
  try {
    const p = await slipway.project("acme");
    await p.publish("greeting", "Greet {{name}} warmly.", ["prod"]);
    const key = await p.apiKey(["prod"]);
    const code = tourBlock("ts");
    assert.equal(code.trim().split("\n").length, 5);
    // Inside the package, so that `@slipway/client` resolves to it (a package's self-reference).
    const script = join(PACKAGE, "dist", "readme-tour.mjs");
    writeFileSync(script, code);
    const out = execFileSync(process.execPath, [script], { env: { ...process.env, SLIPWAY: slipway.base, KEY: key } });
    assert.equal(out.toString().trim(), "1 prod Greet Ada warmly.");
  } finally {
    await slipway.finish();
  }
});
