/** Shared helpers for the identity-flow tests: real HTTP against a started emulator, no mocks. */
import assert from "node:assert/strict";
import { decodeJwt, decodeProtectedHeader, type JWTPayload } from "jose";
import type { ApplicationRecord, ServicePrincipalRecord } from "../../../src/emulator/directory.ts";
import type { EmulatorHandle } from "../../../src/emulator/mod.ts";
import { DEMO, newApplication } from "../../../src/emulator/seed.ts";

export const TID = DEMO.tenantId;
export const ADELE = `adele@${DEMO.domain}`;
export const MEGAN = `megan@${DEMO.domain}`;
export const MIRIAM = `miriam@${DEMO.domain}`;
export const SERVER_SCOPE = `api://${DEMO.server.appId}/access_as_user`;
export const CLIENT_REDIRECT = DEMO.client.redirectUris[0];

/** The v2.0 token endpoint of the demo tenant. */
export function tokenUrl(emulator: EmulatorHandle, tenant: string = TID): string {
  return `${emulator.url}/${tenant}/oauth2/v2.0/token`;
}

/** An authorize URL with the given query parameters. */
export function authorizeUrl(
  emulator: EmulatorHandle,
  params: Record<string, string>,
  tenant: string = TID,
): string {
  return `${emulator.url}/${tenant}/oauth2/v2.0/authorize?${new URLSearchParams(params)}`;
}

/** A PKCE verifier and its S256 challenge. */
export async function pkcePair(): Promise<{ verifier: string; challenge: string }> {
  const verifier = crypto.getRandomValues(new Uint8Array(32)).toBase64({
    alphabet: "base64url",
    omitPadding: true,
  });
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier));
  return {
    verifier,
    challenge: new Uint8Array(digest).toBase64({ alphabet: "base64url", omitPadding: true }),
  };
}

/** GETs an authorize URL without following redirects and returns the response. */
export async function authorize(emulator: EmulatorHandle, params: Record<string, string>): Promise<Response> {
  return await fetch(authorizeUrl(emulator, params), { redirect: "manual" });
}

/** Runs an authorize request that must redirect, and returns the Location URL. */
export async function authorizeRedirect(
  emulator: EmulatorHandle,
  params: Record<string, string>,
): Promise<URL> {
  const response = await authorize(emulator, params);
  const text = await response.text();
  assert.equal(response.status, 302, `expected a redirect, got ${response.status}: ${text.slice(0, 300)}`);
  return new URL(response.headers.get("location")!);
}

/** Signs a user in with `login_hint` and returns the authorization code. */
export async function authorizationCode(
  emulator: EmulatorHandle,
  params: Record<string, string>,
): Promise<string> {
  const location = await authorizeRedirect(emulator, { response_type: "code", ...params });
  const code = location.searchParams.get("code");
  assert.ok(code, `no code in ${location.search}`);
  return code;
}

/** POSTs a form to the token endpoint. */
export async function postToken(
  emulator: EmulatorHandle,
  fields: Record<string, string>,
  options: { headers?: Record<string, string>; url?: string } = {},
): Promise<Response> {
  return await fetch(options.url ?? tokenUrl(emulator), {
    method: "POST",
    headers: options.headers,
    body: new URLSearchParams(fields),
  });
}

/** POSTs to the token endpoint and asserts a 200 JSON answer. */
export async function tokenOk(
  emulator: EmulatorHandle,
  fields: Record<string, string>,
  options: { headers?: Record<string, string>; url?: string } = {},
): Promise<Record<string, unknown>> {
  const response = await postToken(emulator, fields, options);
  const body = await response.json();
  assert.equal(response.status, 200, `token request failed: ${JSON.stringify(body)}`);
  return body;
}

/** Asserts an Entra error response (status, `error`, `error_codes`, no Retry-After) and returns its body. */
export async function expectEntraError(
  response: Response,
  expected: { status: number; error: string; code: number; suberror?: string },
): Promise<Record<string, unknown>> {
  const body = await response.json();
  assert.equal(response.status, expected.status, JSON.stringify(body));
  assert.equal(response.headers.get("content-type"), "application/json; charset=utf-8");
  assert.equal(response.headers.get("retry-after"), null, "an ordinary error carries no Retry-After");
  assert.equal(body.error, expected.error, JSON.stringify(body));
  assert.deepEqual(body.error_codes, [expected.code], JSON.stringify(body));
  assert.match(body.error_description as string, new RegExp(`^AADSTS${expected.code}: `));
  assert.equal(body.suberror, expected.suberror);
  return body;
}

/** Asserts the HTML error page of the authorize endpoint (no redirect) and returns its text. */
export async function expectAuthorizeErrorPage(
  response: Response,
  expected: { status: number; error: string; code: number },
): Promise<string> {
  const html = await response.text();
  assert.equal(response.status, expected.status, html.slice(0, 500));
  assert.equal(response.headers.get("location"), null, "never redirect before the redirect URI is trusted");
  assert.match(response.headers.get("content-type") ?? "", /^text\/html/);
  assert.match(html, new RegExp(`data-error="${expected.error}" data-error-codes="${expected.code}"`));
  assert.match(html, new RegExp(`AADSTS${expected.code}: `));
  return html;
}

/** Asserts an error sent back to the redirect URI in the query string and returns the parameters. */
export function expectRedirectError(
  location: URL,
  expected: { redirectUri: string; error: string; code: number; state?: string },
): URLSearchParams {
  assert.equal(`${location.origin}${location.pathname}`, expected.redirectUri);
  const params = location.searchParams;
  assert.equal(params.get("error"), expected.error, params.get("error_description") ?? "");
  assert.match(params.get("error_description") ?? "", new RegExp(`^AADSTS${expected.code}: `));
  assert.equal(params.get("error_uri"), `https://login.microsoftonline.com/error?code=${expected.code}`);
  assert.equal(params.get("code"), null);
  if (expected.state !== undefined) assert.equal(params.get("state"), expected.state);
  return params;
}

/** Decodes a JWT's payload (no verification). */
export function payloadOf(token: unknown): JWTPayload & Record<string, unknown> {
  return decodeJwt(token as string) as JWTPayload & Record<string, unknown>;
}

/** Decodes a JWT's header (no verification). */
export function headerOf(token: unknown): Record<string, unknown> {
  return decodeProtectedHeader(token as string) as Record<string, unknown>;
}

/** A registered app added to the emulator's directory, with a secret and (by default) a service principal. */
export interface TestApp {
  appId: string;
  secret: string;
  application: ApplicationRecord;
  servicePrincipal?: ServicePrincipalRecord;
}

/** Adds an app registration (and its service principal) directly to the directory. */
export function addApp(
  emulator: EmulatorHandle,
  options: {
    displayName?: string;
    webRedirectUris?: string[];
    publicRedirectUris?: string[];
    secret?: string | null;
    servicePrincipal?: boolean;
    isFallbackPublicClient?: boolean;
  } = {},
): TestApp {
  const appId = crypto.randomUUID();
  const application = newApplication({
    id: crypto.randomUUID(),
    appId,
    displayName: options.displayName ?? "Test App",
  });
  application.web.redirectUris = options.webRedirectUris ?? ["https://app.example.com/callback"];
  application.publicClient.redirectUris = options.publicRedirectUris ?? [];
  application.isFallbackPublicClient = options.isFallbackPublicClient ?? null;
  const secret = options.secret === undefined ? `Tst8Q~${crypto.randomUUID()}` : options.secret;
  if (secret !== null) {
    application.passwordCredentials.push({
      customKeyIdentifier: null,
      displayName: "test",
      endDateTime: "2099-01-01T00:00:00Z",
      hint: secret.slice(0, 3),
      keyId: crypto.randomUUID(),
      startDateTime: "2020-01-01T00:00:00Z",
      secretText: secret,
    });
  }
  const { directory } = emulator.state;
  directory.applications.push(application);
  let servicePrincipal: ServicePrincipalRecord | undefined;
  if (options.servicePrincipal !== false) {
    servicePrincipal = {
      id: crypto.randomUUID(),
      appId,
      displayName: application.displayName,
      servicePrincipalNames: [appId],
      oauth2PermissionScopes: [],
      appOwnerOrganizationId: TID,
      servicePrincipalType: "Application",
      accountEnabled: true,
      replicatedAtMs: 0,
    };
    directory.servicePrincipals.push(servicePrincipal);
  }
  return { appId, secret: secret ?? "", application, servicePrincipal };
}

/** A v2 access token for the Server API, obtained by the demo client through the code flow (secret post). */
export async function serverAccessToken(
  emulator: EmulatorHandle,
  options: { user?: string; claims?: string } = {},
): Promise<string> {
  const { verifier, challenge } = await pkcePair();
  const code = await authorizationCode(emulator, {
    client_id: DEMO.client.appId,
    redirect_uri: CLIENT_REDIRECT,
    scope: `${SERVER_SCOPE} offline_access`,
    login_hint: options.user ?? ADELE,
    code_challenge: challenge,
    code_challenge_method: "S256",
    ...(options.claims ? { claims: options.claims } : {}),
  });
  const body = await tokenOk(emulator, {
    grant_type: "authorization_code",
    client_id: DEMO.client.appId,
    client_secret: DEMO.client.secret,
    code,
    redirect_uri: CLIENT_REDIRECT,
    code_verifier: verifier,
  });
  return body.access_token as string;
}

/** An OBO request from the Server app (secret in the body) with msal-node's extra fields. */
export function oboFields(assertion: string, scope: string): Record<string, string> {
  return {
    grant_type: "urn:ietf:params:oauth:grant-type:jwt-bearer",
    requested_token_use: "on_behalf_of",
    client_id: DEMO.server.appId,
    client_secret: DEMO.server.secret,
    assertion,
    scope,
  };
}
