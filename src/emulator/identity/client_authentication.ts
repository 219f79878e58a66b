/**
 * Client authentication at the token endpoint (RFC 6749 §2.3): `client_secret` in the body
 * (client_secret_post) or HTTP Basic (client_secret_basic), or a JWT `client_assertion` that is either
 * signed by a certificate registered on the app (private_key_jwt, RFC 7523) or issued by a trusted external
 * issuer (federated identity credential). Results feed `appidacr`/`azpacr`: "0" none, "1" secret, "2" assertion.
 */
import { decodeJwt } from "jose";
import type { PasswordCredentialRecord } from "../directory.ts";
import type { EmulatorState } from "../state.ts";
import { verifyCertificateAssertion } from "./client_assertion_certificate.ts";
import { verifyFederatedAssertion } from "./client_assertion_federated.ts";
import { type ClientApp, isPublicOnlyClient, requireClientApp } from "./client_app.ts";
import { EntraError } from "./entra_errors.ts";
import type { TokenRequest } from "./token_request.ts";

/** `client_assertion_type` for JWT client assertions (RFC 7523 §2.2). */
export const JWT_BEARER_ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/** An identified (and, unless public, authenticated) client. */
export interface AuthenticatedClient {
  client: ClientApp;
  clientAuth: "0" | "1" | "2";
}

interface BasicCredentials {
  id: string;
  secret: string;
}

/**
 * Identifies the client and checks its credential. Without a credential, `required` decides between a public
 * client ("0") and AADSTS7000218.
 */
export async function authenticateClient(
  state: EmulatorState,
  request: TokenRequest,
  options: { required: boolean },
): Promise<AuthenticatedClient> {
  const { form } = request;
  const basic = parseBasicAuthorization(request.headers.get("authorization"));
  const bodySecret = form.get("client_secret") || undefined;
  const assertion = form.get("client_assertion") || undefined;
  const assertionType = form.get("client_assertion_type") || undefined;
  const methods = [basic, bodySecret, assertion ?? assertionType].filter((m) => m !== undefined).length;
  // RFC 6749 §2.3: a client must not use more than one authentication method in a request.
  if (methods > 1) throw new EntraError(90100, { params: { parameter: "client_assertion" } });
  const bodyClientId = form.get("client_id") || undefined;
  if (basic && bodyClientId && bodyClientId !== basic.id) {
    throw new EntraError(90100, { params: { parameter: "client_id" } });
  }
  const client = requireClientApp(state, bodyClientId ?? basic?.id ?? assertionSubject(assertion));
  if (methods === 0) {
    if (options.required) throw new EntraError(7000218);
    return { client, clientAuth: "0" };
  }
  if (isPublicOnlyClient(client)) throw new EntraError(700025);
  const secret = basic?.secret ?? bodySecret;
  if (secret !== undefined) {
    await verifyClientSecret(client, secret);
    return { client, clientAuth: "1" };
  }
  if (assertionType !== JWT_BEARER_ASSERTION_TYPE) {
    throw new EntraError(90100, { params: { parameter: "client_assertion_type" } });
  }
  if (!assertion) throw new EntraError(900144, { params: { parameter: "client_assertion" } });
  let issuer: unknown;
  try {
    issuer = decodeJwt(assertion).iss;
  } catch {
    throw new EntraError(50027);
  }
  // An assertion the client issued itself is private_key_jwt; any other issuer must be a federated one.
  if (issuer === client.appId) {
    await verifyCertificateAssertion(assertion, {
      client,
      audiences: tokenEndpointAudiences(state, request),
    });
  } else {
    await verifyFederatedAssertion(state, assertion, { client });
  }
  return { client, clientAuth: "2" };
}

/** RFC 6749 §2.3.1: HTTP Basic with the client ID and secret each form-urlencoded before base64. */
function parseBasicAuthorization(header: string | null): BasicCredentials | undefined {
  const match = header?.match(/^Basic\s+(\S+)\s*$/i);
  if (!match) return undefined;
  try {
    const decoded = new TextDecoder("utf-8", { fatal: true }).decode(Uint8Array.fromBase64(match[1]));
    const colon = decoded.indexOf(":");
    if (colon < 0) throw new Error("no colon");
    const formDecode = (value: string) => decodeURIComponent(value.replace(/\+/g, " "));
    return { id: formDecode(decoded.slice(0, colon)), secret: formDecode(decoded.slice(colon + 1)) };
  } catch {
    throw new EntraError(90100, { params: { parameter: "Authorization" } });
  }
}

/** The client ID a certificate assertion names when the request has no `client_id` (RFC 7523 §3). */
function assertionSubject(assertion: string | undefined): string | undefined {
  if (!assertion) return undefined;
  try {
    const { sub } = decodeJwt(assertion);
    return typeof sub === "string" ? sub : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The token endpoint URLs a client assertion's `aud` may name: the tenant-GUID form and the URL the client
 * called (its host as the client wrote it, e.g. `localhost` rather than `127.0.0.1`).
 */
function tokenEndpointAudiences(state: EmulatorState, request: TokenRequest): string[] {
  const { origin, pathname } = request.url;
  const tenantPath = `/${state.directory.tenantId}/oauth2/v2.0/token`;
  return [...new Set([`${state.baseUrl}${tenantPath}`, `${origin}${tenantPath}`, `${origin}${pathname}`])];
}

const encoder = new TextEncoder();

async function sha256(text: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", encoder.encode(text)));
}

/** Compares fixed-length digests without an early exit, so timing does not reveal the secret. */
function digestsEqual(a: Uint8Array, b: Uint8Array): boolean {
  let difference = a.length ^ b.length;
  for (let i = 0; i < Math.min(a.length, b.length); i++) difference |= a[i] ^ b[i];
  return difference === 0;
}

/** Checks a secret against every registered one: AADSTS7000215 (wrong) or AADSTS7000222 (expired). */
async function verifyClientSecret(client: ClientApp, secret: string): Promise<void> {
  const presented = await sha256(secret);
  const now = Date.now();
  const matches: PasswordCredentialRecord[] = [];
  for (const credential of client.application?.passwordCredentials ?? []) {
    if (digestsEqual(presented, await sha256(credential.secretText))) matches.push(credential);
  }
  const valid = matches.find((c) => Date.parse(c.startDateTime) <= now && now < Date.parse(c.endDateTime));
  if (valid) return;
  if (matches.some((c) => Date.parse(c.endDateTime) <= now)) {
    throw new EntraError(7000222, { params: { appId: client.appId } });
  }
  throw new EntraError(7000215, { params: { appId: client.appId } });
}
