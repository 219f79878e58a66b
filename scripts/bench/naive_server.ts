/**
 * Baseline "naive": the same two tools the way a straightforward port of the Python reference serves them.
 * Per process: one `createRemoteJWKSet` (keys are cached by jose). Per request: a full `jwtVerify` (RSA
 * signature check), a new `McpServer` with its tools and a new transport. Per tool call: an On-Behalf-Of
 * exchange, then the Graph call. No caches of its own. Configured like the real server (AZURE_TENANT_ID,
 * AZURE_CLIENT_ID, AZURE_CLIENT_SECRET, AZURE_AUTHORITY_HOST, GRAPH_BASE_URL, PORT) and listens on
 * 127.0.0.1.
 */
import { createRemoteJWKSet, jwtVerify } from "jose";
import { z } from "zod";
import { McpServer, WebStandardStreamableHTTPServerTransport } from "../../src/mcp/sdk.ts";

const env = (name: string): string => {
  const value = Deno.env.get(name);
  if (!value) throw new Error(`${name} is required`);
  return value;
};
const tenantId = env("AZURE_TENANT_ID");
const clientId = env("AZURE_CLIENT_ID");
const clientSecret = env("AZURE_CLIENT_SECRET");
const authority = env("AZURE_AUTHORITY_HOST");
const graphBaseUrl = env("GRAPH_BASE_URL");
const issuer = `${authority}/${tenantId}/v2.0`;
const jwks = createRemoteJWKSet(new URL(`${authority}/${tenantId}/discovery/v2.0/keys`));

/** Trades the caller's token for a Graph token: every time, as the reference does. */
async function onBehalfOf(assertion: string): Promise<string> {
  const response = await fetch(`${authority}/${tenantId}/oauth2/v2.0/token`, {
    method: "POST",
    body: new URLSearchParams({
      grant_type: "urn:ietf:params:oauth:grant-type:jwt-bearer",
      requested_token_use: "on_behalf_of",
      client_id: clientId,
      client_secret: clientSecret,
      assertion,
      scope: `${new URL(graphBaseUrl).origin}/.default`,
    }),
  });
  const body = await response.json();
  if (!response.ok) throw new Error(`OBO failed: ${body.error_description ?? response.status}`);
  return body.access_token;
}

async function graphGet(path: string, assertion: string): Promise<Record<string, unknown>> {
  const response = await fetch(`${graphBaseUrl}${path}`, {
    headers: { authorization: `Bearer ${await onBehalfOf(assertion)}` },
  });
  const body = await response.json();
  if (!response.ok) throw new Error(`Graph failed: ${response.status}`);
  return body;
}

function createServer(assertion: string): McpServer {
  const server = new McpServer({ name: "naive", version: "0.0.0" }, { capabilities: { tools: {} } });
  server.registerTool("hello", {
    title: "Hello",
    description: "Greets the signed-in user by the display name from their Microsoft 365 profile.",
    outputSchema: { greeting: z.string(), displayName: z.string() },
    annotations: { readOnlyHint: true, openWorldHint: true },
  }, async () => {
    const me = await graphGet("/v1.0/me?$select=id,displayName,userPrincipalName,mail", assertion);
    const displayName = String(me.displayName ?? me.userPrincipalName ?? "there");
    const greeting = `Hello, ${displayName}!`;
    return { content: [{ type: "text", text: greeting }], structuredContent: { greeting, displayName } };
  });
  server.registerTool("list_junk_emails", {
    title: "List junk emails",
    description: "Lists the newest messages in the signed-in user's Junk Email folder.",
    inputSchema: { count: z.number().int().min(1).max(50).optional() },
    annotations: { readOnlyHint: true, openWorldHint: true },
  }, async ({ count }) => {
    const page = await graphGet(`/v1.0/me/mailFolders/junkemail/messages?$top=${count ?? 5}`, assertion);
    const messages = page.value as Array<{ subject?: string }>;
    return { content: [{ type: "text", text: messages.map((m) => `- ${m.subject}`).join("\n") }] };
  });
  return server;
}

async function handle(request: Request): Promise<Response> {
  const { pathname } = new URL(request.url);
  if (pathname === "/healthz") return Response.json({ status: "ok" });
  if (pathname !== "/mcp") return new Response("not found", { status: 404 });
  const token = request.headers.get("authorization")?.match(/^Bearer (\S+)$/)?.[1];
  try {
    if (!token) throw new Error("no token");
    const { payload } = await jwtVerify(token, jwks, { issuer, audience: clientId, algorithms: ["RS256"] });
    if (!String(payload.scp).split(" ").includes("access_as_user")) throw new Error("scope");
  } catch {
    return new Response(null, { status: 401, headers: { "www-authenticate": "Bearer" } });
  }
  const server = createServer(token);
  const transport = new WebStandardStreamableHTTPServerTransport({
    sessionIdGenerator: undefined,
    enableJsonResponse: true,
  });
  try {
    await server.connect(transport);
    return await transport.handleRequest(request);
  } finally {
    await server.close();
  }
}

Deno.serve({ hostname: "127.0.0.1", port: Number(Deno.env.get("PORT") ?? 0), onListen: () => {} }, handle);
