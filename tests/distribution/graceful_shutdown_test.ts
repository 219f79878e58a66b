/**
 * Stopping the server (systemd's SIGTERM, Ctrl+C's SIGINT) while a tool call is in flight: the call still
 * gets its answer, new connections are refused, and the process exits 0.
 */
import assert from "node:assert/strict";
import { startEmulator } from "../../src/emulator/mod.ts";
import { emulatorStats } from "../helpers/gateway.ts";
import { callToolRaw, injectFault } from "../helpers/mcp_http.ts";
import { mintServerToken } from "../helpers/tokens.ts";
import { startServeChild } from "./serve_child.ts";

const GRAPH_ME = "graph:GET /v1.0/me";

/** Resolves once the emulator has received `count` requests under `key`. */
async function receivedAtLeast(
  emulator: Parameters<typeof emulatorStats>[0],
  key: string,
  count: number,
): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (((await emulatorStats(emulator))[key] ?? 0) < count) {
    if (Date.now() > deadline) throw new Error(`${key} was not requested`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

for (const signal of ["SIGTERM", "SIGINT"] as const) {
  Deno.test(`serve: ${signal} during a slow tool call lets it finish with "Hello, <name>!" and exits 0`, async () => {
    await using emulator = await startEmulator();
    await using server = await startServeChild(emulator);
    const token = await mintServerToken(emulator, { userIndex: 1 });
    await injectFault(emulator.url, { match: GRAPH_ME, delayMs: 1500 });

    const inFlight = callToolRaw(server.mcpUrl, token, "hello");
    await receivedAtLeast(emulator, GRAPH_ME, 1);
    const exited = server.child.stop(signal);

    // While draining, the listener is closed: a new client cannot get in.
    await new Promise((resolve) => setTimeout(resolve, 200));
    await assert.rejects(fetch(`${server.url}/healthz`), TypeError);

    const call = await inFlight;
    assert.equal(call.status, 200);
    assert.equal(call.text, `Hello, ${emulator.config.users[1].displayName}!`);
    assert.equal(await exited, 0);
    const stderr = server.child.output().stderr;
    const shuttingDown = stderr.findIndex((line) => line.includes('"msg":"shutting down"'));
    assert.ok(shuttingDown >= 0, "logs the shutdown");
    assert.match(stderr[shuttingDown], new RegExp(`"signal":"${signal}"`));
    assert.ok(stderr.at(-1)?.includes('"msg":"stopped"'), stderr.join("\n"));
  });
}
