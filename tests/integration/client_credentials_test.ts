/** The server's own credential: certificate (private_key_jwt) and workload identity federation, end to end. */
import assert from "node:assert/strict";
import { exportJWK, generateKeyPair, SignJWT } from "jose";
import { startEmulator } from "../../src/emulator/mod.ts";
import { createSelfSignedCertificate } from "../../src/emulator/self_signed_certificate.ts";
import { TOKEN_EXCHANGE_AUDIENCE } from "../../src/emulator/well_known.ts";
import { gatewayToken } from "../helpers/gateway.ts";
import { callToolRaw } from "../helpers/mcp_http.ts";
import { startTestServer } from "../helpers/server.ts";

Deno.test("a certificate credential (AZURE_CLIENT_CERTIFICATE_PATH) works for OBO; an unregistered one is reported", async () => {
  await using emulator = await startEmulator();
  const dir = await Deno.makeTempDir();
  try {
    const registered = await createSelfSignedCertificate("entra-obo-mcp");
    const unregistered = await createSelfSignedCertificate("someone-else");
    const serverApp = emulator.state.directory.applications.find((a) =>
      a.appId === emulator.config.server.clientId
    )!;
    serverApp.keyCredentials.push({
      customKeyIdentifier: null,
      displayName: "CN=entra-obo-mcp",
      endDateTime: "2099-01-01T00:00:00Z",
      keyId: crypto.randomUUID(),
      startDateTime: "2020-01-01T00:00:00Z",
      type: "AsymmetricX509Cert",
      usage: "Verify",
      key: registered.der.toBase64(),
    });
    await Deno.writeTextFile(`${dir}/good.pem`, registered.certificatePem + registered.privateKeyPem);
    await Deno.writeTextFile(`${dir}/bad.pem`, unregistered.certificatePem + unregistered.privateKeyPem);

    await using server = await startTestServer(emulator, {
      AZURE_CLIENT_SECRET: "",
      AZURE_CLIENT_CERTIFICATE_PATH: `${dir}/good.pem`,
    });
    const token = await gatewayToken(emulator, server.mcpUrl);
    assert.equal(
      (await callToolRaw(server.mcpUrl, token, "hello")).text,
      `Hello, ${emulator.config.users[0].displayName}!`,
    );
    assert.equal(server.app.parts.credential.kind, "certificate");

    await using wrong = await startTestServer(emulator, {
      AZURE_CLIENT_SECRET: "",
      AZURE_CLIENT_CERTIFICATE_PATH: `${dir}/bad.pem`,
    });
    const call = await callToolRaw(wrong.mcpUrl, await gatewayToken(emulator, wrong.mcpUrl), "hello");
    assert.match(call.text, /misconfigured.*AADSTS700027/);
    assert.ok(!JSON.stringify(wrong.logs).includes("PRIVATE KEY"));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a certificate file without a private key stops start-up with a clear message", async () => {
  await using emulator = await startEmulator();
  const dir = await Deno.makeTempDir();
  try {
    const cert = await createSelfSignedCertificate("entra-obo-mcp");
    await Deno.writeTextFile(`${dir}/cert-only.pem`, cert.certificatePem);
    await assert.rejects(
      startTestServer(emulator, {
        AZURE_CLIENT_SECRET: "",
        AZURE_CLIENT_CERTIFICATE_PATH: `${dir}/cert-only.pem`,
      }),
      /must contain a PEM CERTIFICATE and an unencrypted PKCS#8 PRIVATE KEY/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("workload identity federation (AZURE_FEDERATED_TOKEN_FILE) works and the file is read fresh on each use", async () => {
  await using emulator = await startEmulator();
  // A loopback OIDC issuer, as a Kubernetes cluster or GitHub Actions would be.
  const { publicKey, privateKey } = await generateKeyPair("RS256");
  const jwk = { ...await exportJWK(publicKey), kid: "issuer-key", alg: "RS256", use: "sig" };
  const { promise: listening, resolve } = Promise.withResolvers<Deno.NetAddr>();
  const issuerServer = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen: resolve }, (request) => {
    const { pathname } = new URL(request.url);
    if (pathname === "/.well-known/openid-configuration") {
      return Response.json({
        issuer,
        jwks_uri: `${issuer}/keys`,
        id_token_signing_alg_values_supported: ["RS256"],
      });
    }
    if (pathname === "/keys") return Response.json({ keys: [jwk] });
    return new Response("not found", { status: 404 });
  });
  const issuer = `http://127.0.0.1:${(await listening).port}`;
  const subject = "system:serviceaccount:mcp:entra-obo-mcp";
  const serverApp = emulator.state.directory.applications.find((a) =>
    a.appId === emulator.config.server.clientId
  )!;
  serverApp.federatedIdentityCredentials.push({
    id: crypto.randomUUID(),
    name: "kubernetes",
    issuer,
    subject,
    audiences: [TOKEN_EXCHANGE_AUDIENCE],
    description: null,
  });
  const assertion = (sub: string) =>
    new SignJWT({}).setProtectedHeader({ alg: "RS256", kid: "issuer-key" }).setIssuer(issuer).setSubject(sub)
      .setAudience(TOKEN_EXCHANGE_AUDIENCE).setIssuedAt().setExpirationTime("10m").sign(privateKey);
  const dir = await Deno.makeTempDir();
  const tokenFile = `${dir}/token`;
  try {
    await Deno.writeTextFile(tokenFile, await assertion(subject));
    await using server = await startTestServer(emulator, {
      AZURE_CLIENT_SECRET: "",
      AZURE_FEDERATED_TOKEN_FILE: tokenFile,
    });
    const adele = await gatewayToken(emulator, server.mcpUrl, 0);
    assert.equal(
      (await callToolRaw(server.mcpUrl, adele, "hello")).text,
      `Hello, ${emulator.config.users[0].displayName}!`,
    );
    // The platform rotates the file: the next exchange must use what is in it now.
    await Deno.writeTextFile(tokenFile, await assertion("system:serviceaccount:other:intruder"));
    const megan = await gatewayToken(emulator, server.mcpUrl, 1);
    assert.match((await callToolRaw(server.mcpUrl, megan, "hello")).text, /misconfigured.*AADSTS700213/);
  } finally {
    await issuerServer.shutdown();
    await Deno.remove(dir, { recursive: true });
  }
});
