/** Deno's built-in OpenTelemetry (OTEL_DENO=true) exports our spans and metrics to an OTLP collector. */
import assert from "node:assert/strict";
import { startEmulator } from "../../src/emulator/mod.ts";
import { serverEnvironmentFor } from "../../src/emulator/server_env.ts";
import { gatewayToken } from "../helpers/gateway.ts";
import { callToolRaw } from "../helpers/mcp_http.ts";
import { SERVER_FLAGS, spawnDeno } from "../helpers/process.ts";

interface OtlpSpan {
  name: string;
  attributes?: Array<{ key: string; value: Record<string, unknown> }>;
}

function attribute(span: OtlpSpan, key: string): unknown {
  const value = span.attributes?.find((a) => a.key === key)?.value;
  return value ? Object.values(value)[0] : undefined;
}

Deno.test("OTEL_DENO=true exports request, OBO (cache miss then hit), Graph and tool spans, and metrics", async () => {
  await using emulator = await startEmulator();
  const received = { spans: [] as OtlpSpan[], metrics: [] as string[] };
  const { promise: collectorUp, resolve } = Promise.withResolvers<Deno.NetAddr>();
  const collector = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen: resolve }, async (request) => {
    const body = await request.json();
    const path = new URL(request.url).pathname;
    if (path === "/v1/traces") {
      for (const resource of body.resourceSpans ?? []) {
        for (const scope of resource.scopeSpans ?? []) received.spans.push(...scope.spans);
      }
    } else if (path === "/v1/metrics") {
      for (const resource of body.resourceMetrics ?? []) {
        for (const scope of resource.scopeMetrics ?? []) {
          received.metrics.push(...scope.metrics.map((m: { name: string }) => m.name));
        }
      }
    }
    return Response.json({});
  });
  const collectorUrl = `http://127.0.0.1:${(await collectorUp).port}`;
  const port = 20000 + Math.floor(Math.random() * 20000);
  let token = "";
  try {
    await using child = spawnDeno(
      ["run", ...SERVER_FLAGS, "main.ts", "serve", "--env-file", "/nonexistent"],
      {
        ...serverEnvironmentFor(emulator.config, {
          baseUrl: `http://127.0.0.1:${port}`,
          host: "127.0.0.1",
          port,
        }),
        OTEL_DENO: "true",
        OTEL_EXPORTER_OTLP_ENDPOINT: collectorUrl,
        OTEL_EXPORTER_OTLP_PROTOCOL: "http/json",
        OTEL_DENO_CONSOLE: "ignore",
        OTEL_SERVICE_NAME: "entra-obo-mcp-test",
      },
    );
    await child.stderrLine(/"msg":"server_info"/);
    const mcpUrl = `http://127.0.0.1:${port}/mcp`;
    token = await gatewayToken(emulator, mcpUrl);
    assert.equal((await callToolRaw(mcpUrl, token, "hello")).status, 200);
    assert.equal((await callToolRaw(mcpUrl, token, "hello")).status, 200);
    // Stopping the process flushes what the exporters still hold.
    assert.equal(await child.stop("SIGTERM"), 0);
  } finally {
    await collector.shutdown();
  }
  const names = received.spans.map((s) => s.name);
  for (const name of ["obo.get_token", "obo.exchange", "graph.get_me", "mcp.tool hello"]) {
    assert.ok(names.includes(name), `span ${name} in ${names.join(", ")}`);
  }
  const cache = received.spans.filter((s) => s.name === "obo.get_token").map((s) =>
    attribute(s, "obo.cache")
  );
  assert.deepEqual(cache, ["miss", "hit"]);
  const requests = received.spans.filter((s) => attribute(s, "entra_obo_mcp.outcome") === "ok");
  assert.ok(requests.length >= 2, "the incoming request spans carry the outcome");
  const exported = JSON.stringify(received);
  assert.ok(!exported.includes(emulator.config.server.clientSecret));
  assert.ok(!exported.includes(token.split(".")[2]), "no bearer token in telemetry");
  for (
    const metric of [
      "entra_obo_mcp.obo.cache_lookups",
      "entra_obo_mcp.obo.exchanges",
      "entra_obo_mcp.tool.calls",
    ]
  ) {
    assert.ok(received.metrics.includes(metric), `metric ${metric} in ${received.metrics.join(", ")}`);
  }
});
