import assert from "node:assert/strict";
import { startEmulator } from "../../../src/emulator/mod.ts";
import { DEMO } from "../../../src/emulator/seed.ts";
import {
  addApp,
  expectEntraError,
  headerOf,
  payloadOf,
  postToken,
  SERVER_SCOPE,
  TID,
  tokenOk,
} from "./helpers.ts";

const GRAPH_DEFAULT = "https://graph.microsoft.com/.default";

Deno.test("client credentials: an app-only v1 Graph token for the client's service principal", async () => {
  await using emulator = await startEmulator();
  const body = await tokenOk(emulator, {
    grant_type: "client_credentials",
    client_id: DEMO.server.appId,
    client_secret: DEMO.server.secret,
    scope: GRAPH_DEFAULT,
  });
  assert.deepEqual(Object.keys(body), ["token_type", "expires_in", "ext_expires_in", "access_token"]);
  assert.equal(body.token_type, "Bearer");
  assert.equal(typeof headerOf(body.access_token).nonce, "string", "Graph tokens carry a nonce header");
  const token = payloadOf(body.access_token);
  assert.equal(token.aud, "https://graph.microsoft.com");
  assert.equal(token.iss, `https://sts.windows.net/${TID}/`);
  assert.equal(token.ver, "1.0");
  assert.equal(token.appid, DEMO.server.appId);
  assert.equal(token.appidacr, "1");
  assert.equal(token.oid, DEMO.server.servicePrincipalId);
  assert.equal(token.sub, DEMO.server.servicePrincipalId);
  assert.equal(token.idtyp, "app");
  assert.equal(token.scp, undefined);
  assert.equal(token.roles, undefined, "no app roles are assigned in the seed");
  assert.equal(token.upn, undefined);
  const stats = await (await fetch(`${emulator.url}/_emulator/stats`)).json();
  assert.equal(stats.requests["token:client_credentials"], 1);
});

Deno.test("client credentials for a custom API follow its token version (v2: aud is the app ID)", async () => {
  await using emulator = await startEmulator();
  const body = await tokenOk(emulator, {
    grant_type: "client_credentials",
    client_id: DEMO.client.appId,
    client_secret: DEMO.client.secret,
    scope: `api://${DEMO.server.appId}/.default`,
  });
  const token = payloadOf(body.access_token);
  assert.equal(token.aud, DEMO.server.appId);
  assert.equal(token.ver, "2.0");
  assert.equal(token.azp, DEMO.client.appId);
  assert.equal(token.azpacr, "1");
  assert.equal(token.oid, DEMO.client.servicePrincipalId);
  assert.equal(token.scp, undefined);
});

Deno.test("client credentials scope must be exactly {resource}/.default (1002012), of a known resource (500011)", async () => {
  await using emulator = await startEmulator();
  const fields = {
    grant_type: "client_credentials",
    client_id: DEMO.server.appId,
    client_secret: DEMO.server.secret,
  };
  for (
    const scope of [
      "https://graph.microsoft.com/User.Read",
      `${GRAPH_DEFAULT} ${GRAPH_DEFAULT}x`,
      SERVER_SCOPE,
      "/.default",
    ]
  ) {
    await expectEntraError(await postToken(emulator, { ...fields, scope }), {
      status: 400,
      error: "invalid_scope",
      code: 1002012,
    });
  }
  await expectEntraError(await postToken(emulator, { ...fields, scope: "api://unknown-api/.default" }), {
    status: 400,
    error: "invalid_resource",
    code: 500011,
  });
  await expectEntraError(await postToken(emulator, fields), {
    status: 400,
    error: "invalid_request",
    code: 900144,
  });
  await expectEntraError(
    await postToken(emulator, { ...fields, scope: GRAPH_DEFAULT, resource: "https://mcp.example.com/mcp" }),
    { status: 400, error: "invalid_target", code: 9010010 },
  );
});

Deno.test("client credentials need a credential (7000218), the right one (7000215) and a service principal (7000229)", async () => {
  await using emulator = await startEmulator();
  await expectEntraError(
    await postToken(emulator, {
      grant_type: "client_credentials",
      client_id: DEMO.server.appId,
      scope: GRAPH_DEFAULT,
    }),
    { status: 401, error: "invalid_client", code: 7000218 },
  );
  await expectEntraError(
    await postToken(emulator, {
      grant_type: "client_credentials",
      client_id: DEMO.server.appId,
      client_secret: DEMO.client.secret,
      scope: GRAPH_DEFAULT,
    }),
    { status: 401, error: "invalid_client", code: 7000215 },
  );
  await expectEntraError(
    await postToken(emulator, {
      grant_type: "client_credentials",
      client_id: crypto.randomUUID(),
      client_secret: "x",
      scope: GRAPH_DEFAULT,
    }),
    { status: 400, error: "unauthorized_client", code: 700016 },
  );
  const app = addApp(emulator, { servicePrincipal: false });
  await expectEntraError(
    await postToken(emulator, {
      grant_type: "client_credentials",
      client_id: app.appId,
      client_secret: app.secret,
      scope: GRAPH_DEFAULT,
    }),
    { status: 401, error: "invalid_client", code: 7000229 },
  );
});
