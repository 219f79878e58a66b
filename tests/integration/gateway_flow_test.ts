/** The whole flow a gateway such as Obot drives, end to end over real sockets, with the SDK's MCP client. */
import assert from "node:assert/strict";
import { startEmulator } from "../../src/emulator/mod.ts";
import { discover, emulatorStats, refresh, signIn } from "../helpers/gateway.ts";
import { connectClient, textOf } from "../helpers/mcp_client.ts";
import { startTestServer } from "../helpers/server.ts";

Deno.test("gateway flow: 401 → PRM → AS metadata → authorize → token → initialize → tools/list → tools/call", async () => {
  await using emulator = await startEmulator();
  await using server = await startTestServer(emulator);
  const discovery = await discover(server.mcpUrl);
  assert.equal(discovery.resourceMetadataUrl, `${server.url}/.well-known/oauth-protected-resource/mcp`);
  assert.equal(discovery.scope, `api://${emulator.config.server.clientId}/access_as_user offline_access`);
  assert.deepEqual(discovery.metadataStatuses, [404, 404, 200], "only the OIDC-append URL works on Entra");

  const [adele] = emulator.config.users;
  const tokens = await signIn(emulator, discovery, adele.userPrincipalName);
  assert.ok(tokens.refreshToken, "offline_access is advertised, so the gateway gets a refresh token");

  const client = await connectClient(server.mcpUrl, tokens.accessToken);
  try {
    assert.equal(client.getServerVersion()?.name, "entra-obo-mcp");
    const { tools } = await client.listTools();
    assert.deepEqual(tools.map((t) => t.name).sort(), ["hello", "list_junk_emails"]);

    const hello = await client.callTool({ name: "hello", arguments: {} });
    assert.equal(textOf(hello), `Hello, ${adele.displayName}!`);
    assert.deepEqual(hello.structuredContent, {
      greeting: `Hello, ${adele.displayName}!`,
      displayName: adele.displayName,
    });

    const junk = await client.callTool({ name: "list_junk_emails", arguments: {} });
    const lines = textOf(junk).split("\n");
    assert.equal(lines.length, 5);
    for (const line of lines) assert.match(line, /^- .+ \(from: \S+@\S+, \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\)$/);
    const received = lines.map((l) => l.match(/, (\S+)\)$/)![1]);
    assert.deepEqual(received, [...received].sort().reverse(), "newest first");
    const structured = junk.structuredContent as { count: number; messages: unknown[] };
    assert.equal(structured.count, 5);

    const three = await client.callTool({ name: "list_junk_emails", arguments: { count: 3 } });
    assert.equal(textOf(three).split("\n").length, 3);
    const tooMany = await client.callTool({ name: "list_junk_emails", arguments: { count: 51 } });
    assert.equal(tooMany.isError, true);
  } finally {
    await client.close();
  }
  const stats = await emulatorStats(emulator);
  assert.equal(stats["token:jwt-bearer"], 1, "one OBO exchange for all of this user's calls");
});

Deno.test("a refreshed access token keeps working (refresh without scope or resource, as Obot sends it)", async () => {
  await using emulator = await startEmulator();
  await using server = await startTestServer(emulator);
  const discovery = await discover(server.mcpUrl);
  const first = await signIn(emulator, discovery, emulator.config.users[1].userPrincipalName);
  const second = await refresh(emulator, discovery, first.refreshToken!);
  assert.notEqual(second.accessToken, first.accessToken);
  const client = await connectClient(server.mcpUrl, second.accessToken);
  try {
    assert.equal(
      textOf(await client.callTool({ name: "hello", arguments: {} })),
      `Hello, ${emulator.config.users[1].displayName}!`,
    );
  } finally {
    await client.close();
  }
});

Deno.test("a user with an empty junk folder gets 'No junk emails found.'", async () => {
  await using emulator = await startEmulator();
  await using server = await startTestServer(emulator);
  const discovery = await discover(server.mcpUrl);
  const last = emulator.config.users.at(-1)!;
  const tokens = await signIn(emulator, discovery, last.userPrincipalName);
  const client = await connectClient(server.mcpUrl, tokens.accessToken);
  try {
    const result = await client.callTool({ name: "list_junk_emails", arguments: {} });
    assert.equal(textOf(result), "No junk emails found.");
    assert.deepEqual(result.structuredContent, { count: 0, messages: [] });
  } finally {
    await client.close();
  }
});

Deno.test("20 tool calls (10 concurrent) with one token cost one OBO exchange; two users never see each other's data", async () => {
  await using emulator = await startEmulator();
  await using server = await startTestServer(emulator);
  const discovery = await discover(server.mcpUrl);
  const [adele, megan] = emulator.config.users;
  const adeleTokens = await signIn(emulator, discovery, adele.userPrincipalName);
  const meganTokens = await signIn(emulator, discovery, megan.userPrincipalName);
  const adeleClient = await connectClient(server.mcpUrl, adeleTokens.accessToken);
  const meganClient = await connectClient(server.mcpUrl, meganTokens.accessToken);
  try {
    const concurrent = await Promise.all(
      Array.from({ length: 10 }, () => adeleClient.callTool({ name: "hello", arguments: {} })),
    );
    for (const result of concurrent) assert.equal(textOf(result), `Hello, ${adele.displayName}!`);
    for (let i = 0; i < 10; i++) {
      assert.equal(
        textOf(await adeleClient.callTool({ name: "hello", arguments: {} })),
        `Hello, ${adele.displayName}!`,
      );
    }
    assert.equal((await emulatorStats(emulator))["token:jwt-bearer"], 1);

    const interleaved = await Promise.all([
      adeleClient.callTool({ name: "list_junk_emails", arguments: { count: 50 } }),
      meganClient.callTool({ name: "list_junk_emails", arguments: { count: 50 } }),
      meganClient.callTool({ name: "hello", arguments: {} }),
    ]);
    const adeleMail = emulator.state.directory.users[0].junkEmail.map((m) => m.subject);
    const meganMail = emulator.state.directory.users[1].junkEmail.map((m) => m.subject);
    const adeleLines = textOf(interleaved[0]).split("\n");
    const meganLines = textOf(interleaved[1]).split("\n");
    assert.equal(adeleLines.length, adeleMail.length);
    assert.equal(meganLines.length, meganMail.length);
    assert.equal(textOf(interleaved[2]), `Hello, ${megan.displayName}!`);
    // Each user's list is exactly their own mailbox (the seeds differ by sender rotation and timestamps).
    const sentAt = (lines: string[]) => lines.map((l) => l.match(/, (\S+)\)$/)![1]).sort();
    const expected = (index: number) =>
      emulator.state.directory.users[index].junkEmail.map((m) => m.receivedDateTime).sort();
    assert.deepEqual(sentAt(adeleLines), expected(0));
    assert.deepEqual(sentAt(meganLines), expected(1));
    assert.equal((await emulatorStats(emulator))["token:jwt-bearer"], 2, "one exchange per user");
  } finally {
    await adeleClient.close();
    await meganClient.close();
  }
});
