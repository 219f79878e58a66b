/** Raw MCP calls over HTTP, for tests that must see status codes and headers the SDK client hides. */

/** What a raw tool call returned. */
export interface RawToolCall {
  status: number;
  wwwAuthenticate: string | null;
  /** The JSON-RPC result (tool result) when the body was a JSON-RPC response. */
  result?: { isError?: boolean; content: Array<{ type: string; text: string }>; structuredContent?: unknown };
  body: Record<string, unknown>;
  /** The first text content of the result. */
  text: string;
}

/** POSTs `tools/call` as a stateless MCP client would. */
export async function callToolRaw(
  mcpUrl: string,
  token: string,
  name: string,
  args: Record<string, unknown> = {},
): Promise<RawToolCall> {
  const response = await fetch(mcpUrl, {
    method: "POST",
    headers: {
      authorization: `Bearer ${token}`,
      accept: "application/json, text/event-stream",
      "content-type": "application/json",
      "mcp-protocol-version": "2025-06-18",
    },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/call", params: { name, arguments: args } }),
  });
  const body = await response.json();
  const result = body.result as RawToolCall["result"];
  return {
    status: response.status,
    wwwAuthenticate: response.headers.get("www-authenticate"),
    result,
    body,
    text: result?.content?.[0]?.text ?? "",
  };
}

/** POSTs a fault to the emulator. */
export async function injectFault(emulatorUrl: string, fault: Record<string, unknown>): Promise<void> {
  const response = await fetch(`${emulatorUrl}/_emulator/faults`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(fault),
  });
  if (response.status !== 201) throw new Error(`fault rejected: ${await response.text()}`);
  await response.body?.cancel();
}

/** POSTs to an emulator admin endpoint. */
export async function emulatorAdmin(emulatorUrl: string, path: string, body: unknown = {}): Promise<unknown> {
  const response = await fetch(`${emulatorUrl}/_emulator/${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
  return await response.json();
}
