/** Test helpers: Graph access tokens minted in-process, and requests to the emulated Graph. */
import { SignJWT } from "jose";
import type { DirectoryUser } from "../../../src/emulator/directory.ts";
import type { EmulatorHandle } from "../../../src/emulator/mod.ts";
import { DEMO } from "../../../src/emulator/seed.ts";
import { v1Issuer } from "../../../src/emulator/state.ts";
import { mintAccessToken } from "../../../src/emulator/tokens.ts";
import { GRAPH_APP_ID } from "../../../src/emulator/well_known.ts";

/** Options for {@linkcode graphToken}. */
export interface GraphTokenOptions {
  /** Delegated scopes (short names). */
  scopes?: string[];
  /** Application roles; with no `user` the token is app-only. */
  roles?: string[];
  /** `aud` (default `https://graph.microsoft.com`). */
  audience?: string;
}

/** The seeded user at `index`, or the first administrator for `"admin"`. */
export function seededUser(emulator: EmulatorHandle, which: number | "admin"): DirectoryUser {
  const { users } = emulator.state.directory;
  return which === "admin" ? users.find((u) => u.admin)! : users[which];
}

/** A v1 Graph token as the emulated Entra mints it after OBO; `user: null` mints an app-only token. */
export async function graphToken(
  emulator: EmulatorHandle,
  user: DirectoryUser | null,
  options: GraphTokenOptions = {},
): Promise<string> {
  const minted = await mintAccessToken(emulator.state, {
    user: user ?? undefined,
    clientAppId: DEMO.server.appId,
    clientAuth: "1",
    resourceAppId: GRAPH_APP_ID,
    audience: options.audience ?? "https://graph.microsoft.com",
    version: 1,
    scopes: user ? options.scopes ?? [] : undefined,
    roles: user ? undefined : options.roles ?? [],
    clientServicePrincipalId: user ? undefined : DEMO.server.servicePrincipalId,
  });
  return minted.token;
}

/** A token with hand-picked claims, signed with the emulator's current key (no Graph nonce). */
export async function customToken(
  emulator: EmulatorHandle,
  claims: Record<string, unknown>,
  options: { key?: CryptoKey; kid?: string } = {},
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const user = seededUser(emulator, 0);
  const key = emulator.state.keys.current;
  return await new SignJWT({
    aud: "https://graph.microsoft.com",
    iss: v1Issuer(emulator.state),
    iat: now,
    nbf: now,
    exp: now + 3600,
    oid: user.id,
    tid: emulator.state.directory.tenantId,
    scp: "User.Read",
    ver: "1.0",
    ...claims,
  }).setProtectedHeader({ typ: "JWT", alg: "RS256", kid: options.kid ?? key.kid })
    .sign(options.key ?? key.privateKey);
}

/** Options for {@linkcode graphRequest}. */
export interface GraphRequestOptions {
  /** Bearer token; omitted sends no Authorization header. */
  token?: string;
  method?: string;
  /** JSON body. */
  body?: unknown;
  headers?: Record<string, string>;
}

/** Calls the emulated Graph with a bearer token; `path` starts with `/v1.0/` or is an absolute URL. */
export async function graphRequest(
  emulator: EmulatorHandle,
  path: string,
  options: GraphRequestOptions = {},
): Promise<Response> {
  const headers: Record<string, string> = {
    ...(options.token === undefined ? {} : { authorization: `Bearer ${options.token}` }),
    ...options.headers,
  };
  if (options.body !== undefined) headers["content-type"] = "application/json";
  return await fetch(path.startsWith("http") ? path : `${emulator.url}${path}`, {
    method: options.method ?? "GET",
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
}

/** Reads a Graph error response, asserting nothing: `{status, code, message, headers}`. */
export async function graphErrorOf(
  response: Response,
): Promise<
  { status: number; code: string; message: string; headers: Headers; body: Record<string, unknown> }
> {
  const body = await response.json();
  return {
    status: response.status,
    code: body?.error?.code,
    message: body?.error?.message,
    headers: response.headers,
    body,
  };
}

/** Scopes of an administrator running the setup tool. */
export const SETUP_SCOPES = [
  "Application.ReadWrite.All",
  "DelegatedPermissionGrant.ReadWrite.All",
  "User.Read",
];
