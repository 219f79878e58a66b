/** A bounded load test on loopback: 200 distinct users with injected throttling; nothing crashes or leaks. */
import assert from "node:assert/strict";
import type { DirectoryUser } from "../../src/emulator/directory.ts";
import { startEmulator } from "../../src/emulator/mod.ts";
import { callToolRaw, injectFault } from "../helpers/mcp_http.ts";
import { startTestServer } from "../helpers/server.ts";
import { mintServerToken } from "../helpers/tokens.ts";

const USERS = 200;
const CONCURRENCY = 25;

Deno.test("200 distinct users under injected 429s and 503s: every call answered correctly or with the documented error", async () => {
  await using emulator = await startEmulator();
  await using server = await startTestServer(emulator, { LOG_LEVEL: "warn" });
  const template = emulator.state.directory.users[0];
  const users: DirectoryUser[] = Array.from({ length: USERS }, (_, i) => ({
    ...template,
    id: crypto.randomUUID(),
    userPrincipalName: `load${i}@${emulator.state.directory.domain}`,
    displayName: `Load User ${i}`,
    junkEmail: [],
  }));
  emulator.state.directory.users.push(...users);
  const tokens = await Promise.all(users.map((user) => mintServerToken(emulator, { user })));

  await injectFault(emulator.url, { match: "token:jwt-bearer", status: 429, retryAfter: 0, count: 80 });
  await injectFault(emulator.url, { match: "graph:GET /v1.0/me", status: 429, retryAfter: 0, count: 80 });
  await injectFault(emulator.url, { match: "graph:GET /v1.0/me", status: 503, count: 20 });

  let unhandled = 0;
  const onUnhandled = (event: PromiseRejectionEvent) => {
    unhandled++;
    event.preventDefault();
  };
  globalThis.addEventListener("unhandledrejection", onUnhandled);
  const outcomes = { ok: 0, throttled: 0 };
  try {
    let next = 0;
    const worker = async () => {
      while (next < USERS) {
        const index = next++;
        const call = await callToolRaw(server.mcpUrl, tokens[index], "hello");
        assert.equal(call.status, 200, JSON.stringify(call.body));
        if (call.result?.isError) {
          assert.match(
            call.text,
            /^Microsoft (Graph|Entra ID) is busy or unavailable \(HTTP (429|503)\); try again in \d+ seconds\.$/,
          );
          outcomes.throttled++;
        } else {
          assert.equal(
            call.text,
            `Hello, ${users[index].displayName}!`,
            "each user sees only their own name",
          );
          outcomes.ok++;
        }
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  } finally {
    globalThis.removeEventListener("unhandledrejection", onUnhandled);
  }
  assert.equal(outcomes.ok + outcomes.throttled, USERS);
  assert.ok(
    outcomes.ok > USERS / 2,
    `most calls succeed after retries (ok ${outcomes.ok}, throttled ${outcomes.throttled})`,
  );
  assert.equal(unhandled, 0, "no unhandled promise rejection");
  const stats = (await (await fetch(`${emulator.url}/_emulator/stats`)).json()).requests;
  assert.ok(stats["token:jwt-bearer"] >= outcomes.ok + 80, "every injected OBO 429 was met");
  assert.equal(emulator.state.faults.length, 0, "every injected fault was consumed");
  const health = await fetch(`${server.url}/healthz`);
  assert.equal(health.status, 200);
  await health.body?.cancel();
  assert.ok(!server.logs.some((l) => l.msg === "request failed"), "no request ended in a 500");
});
