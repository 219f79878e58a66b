/** The HTTP surface besides authentication: metadata, health, routing, guards, limits, JSON-RPC errors. */
import assert from "node:assert/strict";
import { startEmulator } from "../../src/emulator/mod.ts";
import { startTestServer } from "../helpers/server.ts";
import { mintServerToken } from "../helpers/tokens.ts";

const MCP_HEADERS = { accept: "application/json, text/event-stream", "content-type": "application/json" };

async function post(url: string, token: string, body: string, headers: Record<string, string> = {}) {
  return await fetch(url, {
    method: "POST",
    headers: { ...MCP_HEADERS, authorization: `Bearer ${token}`, ...headers },
    body,
  });
}

Deno.test("protected resource metadata is served at both well-known paths with CORS, also for HEAD and OPTIONS", async () => {
  await using emulator = await startEmulator();
  await using server = await startTestServer(emulator);
  for (const path of ["/.well-known/oauth-protected-resource/mcp", "/.well-known/oauth-protected-resource"]) {
    const response = await fetch(`${server.url}${path}`, {
      headers: { origin: "https://inspector.example" },
    });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get("access-control-allow-origin"), "*");
    assert.deepEqual(await response.json(), {
      resource: `${server.url}/mcp`,
      authorization_servers: [`${emulator.url}/${emulator.config.tenantId}/v2.0`],
      scopes_supported: [`api://${emulator.config.server.clientId}/access_as_user`, "offline_access"],
      bearer_methods_supported: ["header"],
      resource_name: "entra-obo-mcp: Microsoft Graph on behalf of the signed-in user",
    });
    const head = await fetch(`${server.url}${path}`, { method: "HEAD" });
    assert.equal(head.status, 200);
    assert.equal(head.headers.get("content-type"), "application/json");
    assert.equal(await head.text(), "");
    const options = await fetch(`${server.url}${path}`, { method: "OPTIONS" });
    assert.equal(options.status, 204);
    assert.match(options.headers.get("access-control-allow-methods")!, /GET/);
    await options.body?.cancel();
  }
});

Deno.test("healthz answers without auth; unknown paths and /mcp/ are 404, never redirects", async () => {
  await using emulator = await startEmulator();
  await using server = await startTestServer(emulator);
  const health = await fetch(`${server.url}/healthz`);
  assert.deepEqual([health.status, await health.json()], [200, { status: "ok" }]);
  for (const path of ["/", "/mcp/", "/MCP", "/sse", "/.well-known/oauth-authorization-server"]) {
    const response = await fetch(`${server.url}${path}`, { redirect: "manual" });
    assert.equal(response.status, 404, path);
    await response.body?.cancel();
  }
});

Deno.test("the server starts and answers healthz while Entra is unreachable; /mcp then answers 503, not 401", async () => {
  await using emulator = await startEmulator();
  await using server = await startTestServer(emulator, { AZURE_AUTHORITY_HOST: "http://127.0.0.1:9" });
  const health = await fetch(`${server.url}/healthz`);
  assert.equal(health.status, 200);
  await health.body?.cancel();
  const token = await mintServerToken(emulator);
  const response = await post(server.mcpUrl, token, "{}");
  assert.equal(response.status, 503);
  assert.equal(response.headers.get("retry-after"), "5");
  assert.equal((await response.json()).error, "temporarily_unavailable");
  const ready = await fetch(`${server.url}/readyz`);
  assert.equal(ready.status, 503);
  assert.equal((await ready.json()).checks.metadata, "unavailable");
});

Deno.test("a disallowed Origin gets 403 before authentication; allowed ones get CORS headers", async () => {
  await using emulator = await startEmulator();
  await using server = await startTestServer(emulator, { ALLOWED_ORIGINS: "https://app.example.com" });
  const token = await mintServerToken(emulator);
  const rejected = await post(server.mcpUrl, token, "{}", { origin: "https://evil.example.com" });
  assert.equal(rejected.status, 403);
  await rejected.body?.cancel();
  const noToken = await fetch(server.mcpUrl, {
    method: "POST",
    headers: { origin: "https://evil.example.com" },
  });
  assert.equal(noToken.status, 403);
  await noToken.body?.cancel();
  const preflight = await fetch(server.mcpUrl, {
    method: "OPTIONS",
    headers: { origin: "https://app.example.com" },
  });
  assert.equal(preflight.status, 204);
  assert.equal(preflight.headers.get("access-control-allow-origin"), "https://app.example.com");
  assert.match(preflight.headers.get("access-control-allow-headers")!, /authorization/);
  await preflight.body?.cancel();
  const unauthenticated = await fetch(server.mcpUrl, {
    method: "POST",
    headers: { origin: "https://app.example.com" },
  });
  assert.equal(unauthenticated.status, 401);
  assert.match(unauthenticated.headers.get("access-control-expose-headers")!, /www-authenticate/);
  await unauthenticated.body?.cancel();
});

Deno.test("on loopback, an unknown Host gets 421; loopback aliases and ALLOWED_HOSTS pass", async () => {
  await using emulator = await startEmulator();
  await using server = await startTestServer(emulator, { ALLOWED_HOSTS: "mcp.internal" });
  const port = new URL(server.url).port;
  const status = async (host: string) => {
    // fetch forbids setting Host, so speak HTTP/1.1 directly.
    const conn = await Deno.connect({ hostname: "127.0.0.1", port: Number(port) });
    await conn.write(
      new TextEncoder().encode(
        `GET /.well-known/oauth-protected-resource HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`,
      ),
    );
    const chunks = [];
    for await (const chunk of conn.readable) chunks.push(...chunk);
    return Number(new TextDecoder().decode(new Uint8Array(chunks)).split(" ")[1]);
  };
  assert.equal(await status(`127.0.0.1:${port}`), 200);
  assert.equal(await status(`localhost:${port}`), 200);
  assert.equal(await status(`[::1]:${port}`), 200);
  assert.equal(await status("mcp.internal"), 200);
  assert.equal(await status(`attacker.example:${port}`), 421);
  assert.equal(await status("localhost:1"), 421);
});

Deno.test("bodies over 1 MiB get 413; bad JSON gets a JSON-RPC parse error", async () => {
  await using emulator = await startEmulator();
  await using server = await startTestServer(emulator);
  const token = await mintServerToken(emulator);
  const big = await post(server.mcpUrl, token, JSON.stringify({ pad: "x".repeat(1024 * 1024) }));
  assert.equal(big.status, 413);
  assert.equal((await big.json()).error.code, -32000);
  const chunked = await post(
    server.mcpUrl,
    token,
    // Five 256 KiB chunks with no Content-Length (chunked encoding): the limit must hold while streaming.
    ReadableStream.from(
      Array.from({ length: 5 }, () => new Uint8Array(256 * 1024).fill(32)),
    ) as unknown as string,
  );
  assert.equal(chunked.status, 413);
  await chunked.body?.cancel();
  const bad = await post(server.mcpUrl, token, "{not json");
  assert.equal(bad.status, 400);
  const body = await bad.json();
  assert.equal(body.error.code, -32700);
  assert.equal(body.jsonrpc, "2.0");
});

Deno.test("GET and DELETE with a valid token answer 405; unknown methods get JSON-RPC errors; notifications 202", async () => {
  await using emulator = await startEmulator();
  await using server = await startTestServer(emulator);
  const token = await mintServerToken(emulator);
  for (const method of ["GET", "DELETE"]) {
    const response = await fetch(server.mcpUrl, {
      method,
      headers: { accept: "text/event-stream", authorization: `Bearer ${token}` },
    });
    assert.equal(response.status, 405, method);
    assert.equal(response.headers.get("allow"), "POST");
    await response.body?.cancel();
  }
  const discover = await post(
    server.mcpUrl,
    token,
    JSON.stringify({ jsonrpc: "2.0", id: 7, method: "server/discover" }),
  );
  assert.equal(discover.status, 200);
  const text = await discover.text();
  assert.ok(text.startsWith("{"), "JSON bodies start with {");
  const parsed = JSON.parse(text);
  assert.equal(parsed.id, 7);
  assert.equal(parsed.error.code, -32601);
  const notification = await post(
    server.mcpUrl,
    token,
    JSON.stringify({ jsonrpc: "2.0", method: "notifications/initialized" }),
  );
  assert.equal(notification.status, 202);
  await notification.body?.cancel();
});

Deno.test("tools/list shows both tools with output schemas and read-only annotations", async () => {
  await using emulator = await startEmulator();
  await using server = await startTestServer(emulator);
  const token = await mintServerToken(emulator);
  const response = await post(
    server.mcpUrl,
    token,
    JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }),
    {
      "mcp-protocol-version": "2025-06-18",
    },
  );
  assert.equal(response.status, 200);
  assert.equal(response.headers.get("content-type"), "application/json");
  const { result } = await response.json();
  const names = result.tools.map((t: { name: string }) => t.name).sort();
  assert.deepEqual(names, ["hello", "list_junk_emails"]);
  for (const tool of result.tools) {
    assert.equal(tool.outputSchema.type, "object");
    assert.equal(tool.annotations.readOnlyHint, true);
    assert.equal(tool.annotations.openWorldHint, true);
  }
  const junk = result.tools.find((t: { name: string }) => t.name === "list_junk_emails");
  assert.deepEqual(junk.inputSchema.properties.count.minimum, 1);
  assert.deepEqual(junk.inputSchema.properties.count.maximum, 50);
});

Deno.test("logs carry request id, user hash, status and outcome, and never the token", async () => {
  await using emulator = await startEmulator();
  await using server = await startTestServer(emulator);
  const token = await mintServerToken(emulator);
  const response = await post(
    server.mcpUrl,
    token,
    JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }),
  );
  await response.body?.cancel();
  const requestId = response.headers.get("x-request-id");
  const line = server.logs.find((l) => l.msg === "request" && l.request_id === requestId);
  assert.ok(line, "an access log line for the request");
  assert.equal(line.status, 200);
  assert.equal(line.outcome, "ok");
  assert.match(String(line.user), /^[A-Za-z0-9_-]{16}$/);
  assert.ok(!JSON.stringify(server.logs).includes(token.split(".")[2]));
});

Deno.test("after authentication, Streamable HTTP negotiation: 406, 415, unsupported protocol version, invalid JSON-RPC", async () => {
  await using emulator = await startEmulator();
  await using server = await startTestServer(emulator);
  const token = await mintServerToken(emulator);
  const list = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" });
  const cases: Array<[Record<string, string>, string, number, number]> = [
    [{ accept: "application/json" }, list, 406, -32000],
    [{ "content-type": "text/plain" }, list, 415, -32000],
    [{ "mcp-protocol-version": "1999-01-01" }, list, 400, -32000],
    [{}, JSON.stringify({ hello: "world" }), 400, -32700],
    [
      {},
      JSON.stringify(Array.from({ length: 101 }, (_, i) => ({ jsonrpc: "2.0", id: i, method: "ping" }))),
      400,
      -32600,
    ],
    [
      {},
      JSON.stringify([{ jsonrpc: "2.0", id: 1, method: "ping" }, { jsonrpc: "2.0", id: 1, method: "ping" }]),
      400,
      -32600,
    ],
  ];
  for (const [headers, body, status, code] of cases) {
    const response = await post(server.mcpUrl, token, body, headers);
    assert.equal(response.status, status, JSON.stringify(headers) + body.slice(0, 60));
    assert.equal((await response.json()).error.code, code);
  }
});

Deno.test("a batch gets an array of responses in request order; a missing MCP-Protocol-Version is tolerated", async () => {
  await using emulator = await startEmulator();
  await using server = await startTestServer(emulator);
  const token = await mintServerToken(emulator);
  const response = await post(
    server.mcpUrl,
    token,
    JSON.stringify([
      { jsonrpc: "2.0", id: "b", method: "tools/list" },
      { jsonrpc: "2.0", method: "notifications/initialized" },
      { jsonrpc: "2.0", id: "a", method: "ping" },
    ]),
  );
  assert.equal(response.status, 200);
  const body = await response.json();
  assert.deepEqual(body.map((r: { id: string }) => r.id), ["b", "a"]);
  assert.equal(body[0].result.tools.length, 2);
  assert.deepEqual(body[1].result, {});
});
