/**
 * Baseline "bare": a `Deno.serve` handler that reads the request and answers a fixed JSON-RPC result, with
 * no authentication, no MCP and no upstream calls: the ceiling any server on this machine can reach with
 * this load generator, and the cold-start reference. Listens on 127.0.0.1:$PORT.
 */

/** A tools/list result the size of the real server's (two tools). */
const TOOLS_LIST = JSON.stringify({
  jsonrpc: "2.0",
  id: 1,
  result: {
    tools: ["hello", "list_junk_emails"].map((name) => ({
      name,
      title: name,
      description: "A fixed answer from the bare baseline, the same for every request.",
      inputSchema: { type: "object", properties: {} },
      annotations: { readOnlyHint: true, openWorldHint: true },
    })),
  },
});

/** A tools/call result shaped like `hello`'s. */
const HELLO = JSON.stringify({
  jsonrpc: "2.0",
  id: 1,
  result: {
    content: [{ type: "text", text: "Hello, Bench User!" }],
    structuredContent: { greeting: "Hello, Bench User!", displayName: "Bench User" },
  },
});

const HEADERS = { "content-type": "application/json" };

Deno.serve(
  { hostname: "127.0.0.1", port: Number(Deno.env.get("PORT") ?? 0), onListen: () => {} },
  async (request) => {
    if (new URL(request.url).pathname === "/healthz") return Response.json({ status: "ok" });
    const body = await request.text();
    return new Response(body.includes('"tools/call"') ? HELLO : TOOLS_LIST, { headers: HEADERS });
  },
);
