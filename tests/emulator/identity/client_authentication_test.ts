import assert from "node:assert/strict";
import { exportJWK, generateKeyPair, SignJWT } from "jose";
import type { EmulatorHandle } from "../../../src/emulator/mod.ts";
import { startEmulator } from "../../../src/emulator/mod.ts";
import { DEMO } from "../../../src/emulator/seed.ts";
import {
  createSelfSignedCertificate,
  type SelfSignedCertificate,
} from "../../../src/emulator/self_signed_certificate.ts";
import { TOKEN_EXCHANGE_AUDIENCE } from "../../../src/emulator/well_known.ts";
import {
  addApp,
  expectEntraError,
  oboFields,
  payloadOf,
  postToken,
  serverAccessToken,
  TID,
  tokenOk,
  tokenUrl,
} from "./helpers.ts";

const ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
const GRAPH_DEFAULT = "https://graph.microsoft.com/.default";

const certificates = Promise.all([
  createSelfSignedCertificate("cert-a"),
  createSelfSignedCertificate("cert-b"),
]);

async function thumbprint(der: Uint8Array<ArrayBuffer>, hash: "SHA-1" | "SHA-256"): Promise<string> {
  return new Uint8Array(await crypto.subtle.digest(hash, der)).toBase64({
    alphabet: "base64url",
    omitPadding: true,
  });
}

/** Registers a certificate on an app registration, as Graph's `keyCredentials` stores it. */
function registerCertificate(
  emulator: EmulatorHandle,
  appId: string,
  certificate: SelfSignedCertificate,
  endDateTime = "2099-01-01T00:00:00Z",
): void {
  const app = emulator.state.directory.applications.find((a) => a.appId === appId)!;
  app.keyCredentials.push({
    customKeyIdentifier: null,
    displayName: "CN=test",
    endDateTime,
    keyId: crypto.randomUUID(),
    startDateTime: "2020-01-01T00:00:00Z",
    type: "AsymmetricX509Cert",
    usage: "Verify",
    key: certificate.der.toBase64(),
  });
}

/** A private_key_jwt assertion as MSAL builds it. */
async function certificateAssertion(
  emulator: EmulatorHandle,
  options: {
    clientId: string;
    signer: SelfSignedCertificate;
    headerCertificate?: SelfSignedCertificate;
    thumbprintHeader?: "x5t#S256" | "x5t" | "none";
    claims?: Record<string, unknown>;
  },
): Promise<string> {
  const named = options.headerCertificate ?? options.signer;
  const header: Record<string, string> = { alg: "RS256", typ: "JWT" };
  const which = options.thumbprintHeader ?? "x5t#S256";
  if (which === "x5t#S256") header["x5t#S256"] = await thumbprint(named.der, "SHA-256");
  if (which === "x5t") header.x5t = await thumbprint(named.der, "SHA-1");
  const now = Math.floor(Date.now() / 1000);
  return await new SignJWT({
    aud: tokenUrl(emulator),
    iss: options.clientId,
    sub: options.clientId,
    jti: crypto.randomUUID(),
    nbf: now - 10,
    iat: now - 10,
    exp: now + 600,
    ...options.claims,
  }).setProtectedHeader(header as { alg: string }).sign(options.signer.privateKey);
}

function clientCredentialsWithAssertion(clientId: string, assertion: string): Record<string, string> {
  return {
    grant_type: "client_credentials",
    client_id: clientId,
    client_assertion_type: ASSERTION_TYPE,
    client_assertion: assertion,
    scope: GRAPH_DEFAULT,
  };
}

Deno.test("private_key_jwt: x5t#S256 or x5t selects the registered certificate; appidacr is 2", async () => {
  await using emulator = await startEmulator();
  const [certA] = await certificates;
  const app = addApp(emulator, { secret: null });
  registerCertificate(emulator, app.appId, certA);
  for (const thumbprintHeader of ["x5t#S256", "x5t"] as const) {
    const assertion = await certificateAssertion(emulator, {
      clientId: app.appId,
      signer: certA,
      thumbprintHeader,
    });
    const body = await tokenOk(emulator, clientCredentialsWithAssertion(app.appId, assertion));
    assert.equal(payloadOf(body.access_token).appidacr, "2");
  }
  // Without client_id the assertion's subject names the client (RFC 7523 §3).
  const assertion = await certificateAssertion(emulator, { clientId: app.appId, signer: certA });
  const { client_id: _, ...withoutClientId } = clientCredentialsWithAssertion(app.appId, assertion);
  await tokenOk(emulator, withoutClientId);
  // The audience may also be the token endpoint URL the client called (here by domain name).
  const byDomain = await certificateAssertion(emulator, {
    clientId: app.appId,
    signer: certA,
    claims: { aud: tokenUrl(emulator, DEMO.domain) },
  });
  await tokenOk(emulator, clientCredentialsWithAssertion(app.appId, byDomain), {
    url: tokenUrl(emulator, DEMO.domain),
  });
});

Deno.test("private_key_jwt failures: unknown certificate, bad signature, expired key (700027)", async () => {
  await using emulator = await startEmulator();
  const [certA, certB] = await certificates;
  const app = addApp(emulator, { secret: null });
  registerCertificate(emulator, app.appId, certA);
  const cases: Array<[string, Promise<string>]> = [
    ["unregistered certificate", certificateAssertion(emulator, { clientId: app.appId, signer: certB })],
    [
      "signed by another key",
      certificateAssertion(emulator, { clientId: app.appId, signer: certB, headerCertificate: certA }),
    ],
    [
      "no thumbprint",
      certificateAssertion(emulator, { clientId: app.appId, signer: certA, thumbprintHeader: "none" }),
    ],
    [
      "wrong audience",
      certificateAssertion(emulator, {
        clientId: app.appId,
        signer: certA,
        claims: { aud: `${emulator.url}/${TID}/v2.0` },
      }),
    ],
    [
      "no jti",
      certificateAssertion(emulator, { clientId: app.appId, signer: certA, claims: { jti: undefined } }),
    ],
  ];
  for (const [name, assertion] of cases) {
    const body = await expectEntraError(
      await postToken(emulator, clientCredentialsWithAssertion(app.appId, await assertion)),
      { status: 401, error: "invalid_client", code: 700027 },
    );
    assert.ok(body, name);
  }
  const expiredCertificate = addApp(emulator, { secret: null });
  registerCertificate(emulator, expiredCertificate.appId, certA, "2021-01-01T00:00:00Z");
  const assertion = await certificateAssertion(emulator, {
    clientId: expiredCertificate.appId,
    signer: certA,
  });
  const body = await expectEntraError(
    await postToken(emulator, clientCredentialsWithAssertion(expiredCertificate.appId, assertion)),
    { status: 401, error: "invalid_client", code: 700027 },
  );
  assert.match(body.error_description as string, /expired/);
});

Deno.test("private_key_jwt time and shape failures: 700024, 50027 (audience array), 50048", async () => {
  await using emulator = await startEmulator();
  const [certA] = await certificates;
  const app = addApp(emulator, { secret: null });
  registerCertificate(emulator, app.appId, certA);
  const now = Math.floor(Date.now() / 1000);
  const expired = await certificateAssertion(emulator, {
    clientId: app.appId,
    signer: certA,
    claims: { exp: now },
  });
  await expectEntraError(await postToken(emulator, clientCredentialsWithAssertion(app.appId, expired)), {
    status: 401,
    error: "invalid_client",
    code: 700024,
  });
  const future = await certificateAssertion(emulator, {
    clientId: app.appId,
    signer: certA,
    claims: { nbf: now + 120 },
  });
  await expectEntraError(await postToken(emulator, clientCredentialsWithAssertion(app.appId, future)), {
    status: 401,
    error: "invalid_client",
    code: 700024,
  });
  const audiences = await certificateAssertion(emulator, {
    clientId: app.appId,
    signer: certA,
    claims: { aud: [tokenUrl(emulator), `${emulator.url}/${TID}/v2.0`] },
  });
  await expectEntraError(await postToken(emulator, clientCredentialsWithAssertion(app.appId, audiences)), {
    status: 400,
    error: "invalid_request",
    code: 50027,
  });
  const otherSubject = await certificateAssertion(emulator, {
    clientId: app.appId,
    signer: certA,
    claims: { sub: crypto.randomUUID() },
  });
  await expectEntraError(await postToken(emulator, clientCredentialsWithAssertion(app.appId, otherSubject)), {
    status: 401,
    error: "invalid_client",
    code: 50048,
  });
  await expectEntraError(await postToken(emulator, clientCredentialsWithAssertion(app.appId, "not-a-jwt")), {
    status: 400,
    error: "invalid_request",
    code: 50027,
  });
});

Deno.test("assertion parameters: wrong type 90100, two methods at once 90100, public client 700025", async () => {
  await using emulator = await startEmulator();
  const [certA] = await certificates;
  const app = addApp(emulator);
  registerCertificate(emulator, app.appId, certA);
  const assertion = await certificateAssertion(emulator, { clientId: app.appId, signer: certA });
  await expectEntraError(
    await postToken(emulator, {
      ...clientCredentialsWithAssertion(app.appId, assertion),
      client_assertion_type: "urn:ietf:params:oauth:client-assertion-type:saml2-bearer",
    }),
    { status: 400, error: "invalid_request", code: 90100 },
  );
  await expectEntraError(
    await postToken(emulator, {
      ...clientCredentialsWithAssertion(app.appId, assertion),
      client_secret: app.secret,
    }),
    { status: 400, error: "invalid_request", code: 90100 },
  );
  const publicApp = addApp(emulator, { secret: null, isFallbackPublicClient: true });
  await expectEntraError(
    await postToken(emulator, {
      grant_type: "client_credentials",
      client_id: publicApp.appId,
      client_secret: "anything",
      scope: GRAPH_DEFAULT,
    }),
    { status: 401, error: "invalid_client", code: 700025 },
  );
});

Deno.test("OBO with the Server app's certificate instead of its secret", async () => {
  await using emulator = await startEmulator();
  const [certA] = await certificates;
  registerCertificate(emulator, DEMO.server.appId, certA);
  const userToken = await serverAccessToken(emulator);
  const clientAssertion = await certificateAssertion(emulator, {
    clientId: DEMO.server.appId,
    signer: certA,
  });
  const { client_secret: _, ...fields } = oboFields(userToken, GRAPH_DEFAULT);
  const body = await tokenOk(emulator, {
    ...fields,
    client_assertion_type: ASSERTION_TYPE,
    client_assertion: clientAssertion,
  });
  const graph = payloadOf(body.access_token);
  assert.equal(graph.appidacr, "2");
  assert.equal(graph.scp, "User.Read Mail.Read");
});

/** A tiny OIDC issuer on loopback: discovery and JWKS, signing with a jose-generated key. */
async function startIssuer(): Promise<{
  issuer: string;
  sign(claims: Record<string, unknown>, options?: { foreignKey?: boolean }): Promise<string>;
  [Symbol.asyncDispose](): Promise<void>;
}> {
  const { privateKey, publicKey } = await generateKeyPair("RS256");
  const foreign = await generateKeyPair("RS256");
  const jwk = { ...await exportJWK(publicKey), kid: "issuer-key-1", use: "sig", alg: "RS256" };
  const { promise, resolve } = Promise.withResolvers<Deno.NetAddr>();
  let issuer = "";
  const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen: resolve }, (request) => {
    const path = new URL(request.url).pathname;
    if (path === "/.well-known/openid-configuration") {
      return Response.json({ issuer, jwks_uri: `${issuer}/keys`, response_types_supported: ["id_token"] });
    }
    if (path === "/keys") return Response.json({ keys: [jwk] });
    return new Response("not found", { status: 404 });
  });
  const address = await promise;
  issuer = `http://127.0.0.1:${address.port}`;
  return {
    issuer,
    async sign(claims, options = {}) {
      const now = Math.floor(Date.now() / 1000);
      return await new SignJWT({
        iss: issuer,
        iat: now,
        nbf: now,
        exp: now + 300,
        jti: crypto.randomUUID(),
        ...claims,
      })
        .setProtectedHeader({ alg: "RS256", kid: options.foreignKey ? "other-key" : "issuer-key-1" })
        .sign(options.foreignKey ? foreign.privateKey : privateKey);
    },
    [Symbol.asyncDispose]: () => server.shutdown(),
  };
}

Deno.test("federated identity credential: an external issuer's assertion authenticates the app", async () => {
  await using emulator = await startEmulator();
  await using issuer = await startIssuer();
  const app = addApp(emulator, { secret: null });
  app.application.federatedIdentityCredentials.push({
    id: crypto.randomUUID(),
    name: "workload",
    issuer: issuer.issuer,
    subject: "system:serviceaccount:mcp:server",
    audiences: [TOKEN_EXCHANGE_AUDIENCE],
    description: null,
  });
  const assertion = await issuer.sign({
    sub: "system:serviceaccount:mcp:server",
    aud: TOKEN_EXCHANGE_AUDIENCE,
  });
  const body = await tokenOk(emulator, clientCredentialsWithAssertion(app.appId, assertion));
  assert.equal(payloadOf(body.access_token).appidacr, "2");
  assert.equal(payloadOf(body.access_token).appid, app.appId);
});

Deno.test("federated identity credential failures: 700211, 700213, 700212, 700222, 700024", async () => {
  await using emulator = await startEmulator();
  await using issuer = await startIssuer();
  const app = addApp(emulator, { secret: null });
  const subject = "repo:contoso/mcp:ref:refs/heads/main";
  app.application.federatedIdentityCredentials.push({
    id: crypto.randomUUID(),
    name: "github",
    issuer: issuer.issuer,
    subject,
    audiences: [TOKEN_EXCHANGE_AUDIENCE],
    description: null,
  }, {
    id: crypto.randomUUID(),
    name: "unreachable",
    issuer: "http://127.0.0.1:1",
    subject,
    audiences: [TOKEN_EXCHANGE_AUDIENCE],
    description: null,
  });
  const now = Math.floor(Date.now() / 1000);
  const cases: Array<[string, Promise<string>, number]> = [
    [
      "unknown issuer",
      issuer.sign({
        iss: "https://token.actions.githubusercontent.com",
        sub: subject,
        aud: TOKEN_EXCHANGE_AUDIENCE,
      }),
      700211,
    ],
    ["unknown subject", issuer.sign({ sub: "repo:contoso/other", aud: TOKEN_EXCHANGE_AUDIENCE }), 700213],
    ["wrong audience", issuer.sign({ sub: subject, aud: "api://something-else" }), 700212],
    [
      "unknown signing key",
      issuer.sign({ sub: subject, aud: TOKEN_EXCHANGE_AUDIENCE }, { foreignKey: true }),
      700222,
    ],
    [
      "unreachable issuer",
      issuer.sign({ iss: "http://127.0.0.1:1", sub: subject, aud: TOKEN_EXCHANGE_AUDIENCE }),
      700222,
    ],
    [
      "expired",
      issuer.sign({ sub: subject, aud: TOKEN_EXCHANGE_AUDIENCE, iat: now - 600, exp: now - 1 }),
      700024,
    ],
  ];
  for (const [name, assertion, code] of cases) {
    const body = await expectEntraError(
      await postToken(emulator, clientCredentialsWithAssertion(app.appId, await assertion)),
      { status: 401, error: "invalid_client", code },
    );
    assert.ok(body, name);
  }
});

Deno.test("OBO with a federated assertion as the Server app's credential", async () => {
  await using emulator = await startEmulator();
  await using issuer = await startIssuer();
  const server = emulator.state.directory.applications.find((a) => a.appId === DEMO.server.appId)!;
  server.federatedIdentityCredentials.push({
    id: crypto.randomUUID(),
    name: "k8s",
    issuer: issuer.issuer,
    subject: "system:serviceaccount:mcp:server",
    audiences: [TOKEN_EXCHANGE_AUDIENCE],
    description: null,
  });
  const userToken = await serverAccessToken(emulator);
  const { client_secret: _, ...fields } = oboFields(userToken, GRAPH_DEFAULT);
  const body = await tokenOk(emulator, {
    ...fields,
    client_assertion_type: ASSERTION_TYPE,
    client_assertion: await issuer.sign({
      sub: "system:serviceaccount:mcp:server",
      aud: TOKEN_EXCHANGE_AUDIENCE,
    }),
  });
  assert.equal(payloadOf(body.access_token).appidacr, "2");
});
