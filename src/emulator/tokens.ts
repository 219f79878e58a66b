/**
 * Minting and checking the tokens the emulated Entra ID issues. Claims follow the access-token claims
 * reference per version (v1: `appid`, `upn`, `unique_name`, `amr`; v2: `azp`, `preferred_username`).
 * Tokens for Microsoft Graph carry a `nonce` header whose SHA-256 is what was really signed, so, exactly as
 * with real Graph tokens, nobody but (emulated) Graph can verify them.
 */
import { CompactSign, decodeProtectedHeader, type JWTPayload } from "jose";
import type { DirectoryUser } from "./directory.ts";
import { findSigningKey, type SigningKey } from "./signing_keys.ts";
import { type EmulatorState, v1Issuer, v2Issuer } from "./state.ts";
import { GLOBAL_ADMIN_ROLE_ID, GRAPH_APP_ID } from "./well_known.ts";

/** What a new access token is for. */
export interface AccessTokenRequest {
  /** The signed-in user; absent for app-only (client credentials) tokens. */
  user?: DirectoryUser;
  /** The client application (`azp`/`appid`). */
  clientAppId: string;
  /** How the client authenticated: "0" public, "1" secret, "2" certificate or federated assertion. */
  clientAuth: "0" | "1" | "2";
  /** The resource's application ID. */
  resourceAppId: string;
  /** `aud` for v1 tokens: the resource identifier as the client named it. */
  audience: string;
  /** Token version: the resource's `requestedAccessTokenVersion` (1 when null). */
  version: 1 | 2;
  /** Delegated scopes (short names) for user tokens. */
  scopes?: string[];
  /** App roles for app-only tokens. */
  roles?: string[];
  /** Object ID of the client's service principal (the subject of app-only tokens). */
  clientServicePrincipalId?: string;
  /** Multi-factor authentication was performed. */
  mfa?: boolean;
}

/** A minted access token. */
export interface MintedToken {
  token: string;
  expiresIn: number;
}

const encoder = new TextEncoder();

/** Random opaque value in base64url, like Entra's `aio`, `rh` and `uti` claims. */
export function opaque(bytes = 16): string {
  return crypto.getRandomValues(new Uint8Array(bytes)).toBase64({ alphabet: "base64url", omitPadding: true });
}

/** Entra's `sub` is pairwise: stable per user and application, different across applications. */
export async function pairwiseSubject(userId: string, appId: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", encoder.encode(`${userId}|${appId}`));
  return new Uint8Array(digest).toBase64({ alphabet: "base64url", omitPadding: true });
}

/** Lifetime of a new access token: the configured one, or random 60–90 minutes as Entra does. */
export function accessTokenLifetime(state: EmulatorState): number {
  return state.settings.accessTokenLifetimeSeconds ?? 3600 + Math.floor(Math.random() * 1801);
}

/** Mints an access token as Entra would for this request. */
export async function mintAccessToken(
  state: EmulatorState,
  request: AccessTokenRequest,
): Promise<MintedToken> {
  const now = Math.floor(Date.now() / 1000);
  const expiresIn = accessTokenLifetime(state);
  const { user, version } = request;
  const tid = state.directory.tenantId;
  const claims: JWTPayload & Record<string, unknown> = {
    aud: version === 2 ? request.resourceAppId : request.audience,
    iss: version === 2 ? v2Issuer(state) : v1Issuer(state),
    iat: now,
    nbf: now,
    exp: now + expiresIn,
  };
  if (version === 1) {
    claims.acr = "1";
    claims.aio = opaque(40);
    if (user) claims.amr = request.mfa ? ["pwd", "mfa"] : ["pwd"];
    claims.appid = request.clientAppId;
    claims.appidacr = request.clientAuth;
    if (user) {
      claims.family_name = user.surname ?? undefined;
      claims.given_name = user.givenName ?? undefined;
    }
    claims.idp = user ? undefined : v1Issuer(state);
    claims.idtyp = user ? "user" : "app";
    claims.ipaddr = "127.0.0.1";
  } else {
    claims.aio = opaque(40);
    claims.azp = request.clientAppId;
    claims.azpacr = request.clientAuth;
    if (user && request.mfa) claims.acrs = ["c1"];
  }
  if (user) {
    claims.name = user.displayName;
    claims.oid = user.id;
    if (version === 2) claims.preferred_username = user.userPrincipalName;
    claims.rh = opaque(30);
    claims.scp = (request.scopes ?? []).join(" ");
    claims.sub = await pairwiseSubject(user.id, request.resourceAppId);
    claims.tid = tid;
    if (version === 1) {
      claims.unique_name = user.userPrincipalName;
      claims.upn = user.userPrincipalName;
    }
    if (user.admin) claims.wids = [GLOBAL_ADMIN_ROLE_ID];
  } else {
    claims.oid = request.clientServicePrincipalId;
    claims.rh = opaque(30);
    if (request.roles?.length) claims.roles = request.roles;
    claims.sub = request.clientServicePrincipalId;
    claims.tid = tid;
  }
  claims.uti = opaque(16);
  claims.ver = version === 2 ? "2.0" : "1.0";
  const key = state.keys.current;
  const token = request.resourceAppId === GRAPH_APP_ID
    ? await signWithNonce(claims, key)
    : await sign(claims, key, version === 1 ? { x5t: key.kid } : {});
  return { token, expiresIn };
}

/** Mints a v2.0 ID token for the client the user signed in to. */
export async function mintIdToken(
  state: EmulatorState,
  request: { user: DirectoryUser; clientAppId: string; nonce?: string; email?: boolean },
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const { user } = request;
  const claims: JWTPayload & Record<string, unknown> = {
    aud: request.clientAppId,
    iss: v2Issuer(state),
    iat: now,
    nbf: now,
    exp: now + 3600,
    email: request.email && user.mail ? user.mail : undefined,
    name: user.displayName,
    nonce: request.nonce,
    oid: user.id,
    preferred_username: user.userPrincipalName,
    rh: opaque(30),
    sub: await pairwiseSubject(user.id, request.clientAppId),
    tid: state.directory.tenantId,
    uti: opaque(16),
    ver: "2.0",
  };
  return await sign(claims, state.keys.current, {});
}

/** `client_info` as Entra returns it when asked with `client_info=1`. */
export function clientInfo(state: EmulatorState, userId: string): string {
  const json = JSON.stringify({ uid: userId, utid: state.directory.tenantId });
  return encoder.encode(json).toBase64({ alphabet: "base64url", omitPadding: true });
}

async function sign(claims: Record<string, unknown>, key: SigningKey, extra: Record<string, string>) {
  const payload = encoder.encode(JSON.stringify(claims));
  return await new CompactSign(payload)
    .setProtectedHeader({ typ: "JWT", alg: "RS256", ...extra, kid: key.kid })
    .sign(key.privateKey);
}

/** Signs over a header whose `nonce` is SHA-256(nonce), then ships the header with the raw nonce. */
async function signWithNonce(claims: Record<string, unknown>, key: SigningKey): Promise<string> {
  const nonce = opaque(32);
  const header = (n: string) => ({ typ: "JWT", nonce: n, alg: "RS256", x5t: key.kid, kid: key.kid });
  const signed = await new CompactSign(encoder.encode(JSON.stringify(claims)))
    .setProtectedHeader(header(await hashNonce(nonce)))
    .sign(key.privateKey);
  const [, payload, signature] = signed.split(".");
  return [base64urlJson(header(nonce)), payload, signature].join(".");
}

async function hashNonce(nonce: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", encoder.encode(nonce));
  return new Uint8Array(digest).toBase64({ alphabet: "base64url", omitPadding: true });
}

function base64urlJson(value: unknown): string {
  return encoder.encode(JSON.stringify(value)).toBase64({ alphabet: "base64url", omitPadding: true });
}

/** Why a token failed the emulator's own signature check. */
export type TokenCheckFailure = "malformed" | "unknown_key" | "bad_signature";

/** The outcome of checking a token's signature against the tenant's published keys. */
export type TokenCheck =
  | { ok: true; header: Record<string, unknown>; claims: JWTPayload & Record<string, unknown> }
  | { ok: false; reason: TokenCheckFailure };

/**
 * Checks that a token was signed by one of the tenant's published keys. With `acceptNonce` (Graph's
 * view), a `nonce` header is first replaced by its SHA-256, as only Graph does; everyone else sees a
 * nonce token fail, like a real Graph token fails any standard validator. Time claims are the caller's job.
 */
export async function checkTokenSignature(
  state: EmulatorState,
  token: string,
  options: { acceptNonce: boolean },
): Promise<TokenCheck> {
  const parts = token.split(".");
  if (parts.length !== 3) return { ok: false, reason: "malformed" };
  let header: Record<string, unknown>;
  let claims: JWTPayload & Record<string, unknown>;
  try {
    header = decodeProtectedHeader(token) as Record<string, unknown>;
    claims = JSON.parse(new TextDecoder().decode(Uint8Array.fromBase64(parts[1], { alphabet: "base64url" })));
  } catch {
    return { ok: false, reason: "malformed" };
  }
  if (header.alg !== "RS256" || typeof claims !== "object" || claims === null) {
    return { ok: false, reason: "malformed" };
  }
  const key = findSigningKey(state.keys, typeof header.kid === "string" ? header.kid : undefined);
  if (!key) return { ok: false, reason: "unknown_key" };
  let signedHeader = parts[0];
  if (typeof header.nonce === "string" && options.acceptNonce) {
    signedHeader = base64urlJson({ ...header, nonce: await hashNonce(header.nonce) });
  }
  const data = encoder.encode(`${signedHeader}.${parts[1]}`);
  let signature: Uint8Array<ArrayBuffer>;
  try {
    signature = Uint8Array.fromBase64(parts[2], { alphabet: "base64url" });
  } catch {
    return { ok: false, reason: "malformed" };
  }
  const valid = await crypto.subtle.verify("RSASSA-PKCS1-v1_5", key.publicKey, signature, data);
  return valid ? { ok: true, header, claims } : { ok: false, reason: "bad_signature" };
}
