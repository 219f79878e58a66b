/**
 * The server's own credential for the token endpoint: a client secret, a certificate (RFC 7523
 * `private_key_jwt` assertion signed with jose, `x5t#S256` header as Entra asks), or a federated token
 * (workload identity federation; the file is read on every use because the platform rotates it).
 */
import { importPKCS8, SignJWT } from "jose";
import type { ClientCredentialConfig } from "../config/mod.ts";

/** Form parameters that authenticate the client at `tokenEndpoint`. */
export interface ClientCredential {
  kind: ClientCredentialConfig["kind"];
  formParameters(tokenEndpoint: string): Promise<Record<string, string>>;
}

const ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/** Creates the credential described by the configuration. */
export async function createClientCredential(
  config: ClientCredentialConfig,
  options: { clientId: string },
): Promise<ClientCredential> {
  switch (config.kind) {
    case "secret":
      return { kind: "secret", formParameters: () => Promise.resolve({ client_secret: config.secret }) };
    case "certificate":
      return await certificateCredential(config.certificatePath, options.clientId);
    case "federated":
      // Fail at start-up, not on the first tool call, when the platform has not mounted the token.
      await Deno.stat(config.tokenFile).catch((error) => {
        throw new Error(`AZURE_FEDERATED_TOKEN_FILE ${config.tokenFile} cannot be read: ${error.message}`);
      });
      return {
        kind: "federated",
        formParameters: async () => ({
          client_assertion_type: ASSERTION_TYPE,
          client_assertion: (await Deno.readTextFile(config.tokenFile)).trim(),
        }),
      };
  }
}

/** Reads a PEM file holding a certificate and its PKCS#8 private key. */
async function certificateCredential(path: string, clientId: string): Promise<ClientCredential> {
  const pem = await Deno.readTextFile(path);
  const certificate = pem.match(/-----BEGIN CERTIFICATE-----([\s\S]+?)-----END CERTIFICATE-----/)?.[1];
  const privateKey = pem.match(/-----BEGIN PRIVATE KEY-----[\s\S]+?-----END PRIVATE KEY-----/)?.[0];
  if (!certificate || !privateKey) {
    throw new Error(
      `${path} must contain a PEM CERTIFICATE and an unencrypted PKCS#8 PRIVATE KEY (convert with: openssl pkcs8 -topk8 -nocrypt)`,
    );
  }
  const der = Uint8Array.fromBase64(certificate.replace(/\s+/g, ""));
  const thumbprint = new Uint8Array(await crypto.subtle.digest("SHA-256", der)).toBase64({
    alphabet: "base64url",
    omitPadding: true,
  });
  const key = await importPKCS8(privateKey, "RS256");
  return {
    kind: "certificate",
    formParameters: async (tokenEndpoint) => ({
      client_assertion_type: ASSERTION_TYPE,
      client_assertion: await new SignJWT({})
        .setProtectedHeader({ alg: "RS256", typ: "JWT", "x5t#S256": thumbprint })
        .setIssuer(clientId)
        .setSubject(clientId)
        .setAudience(tokenEndpoint)
        .setJti(crypto.randomUUID())
        .setIssuedAt()
        .setNotBefore("0s")
        .setExpirationTime("5m")
        .sign(key),
    }),
  };
}
