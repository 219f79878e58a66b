/** Everything one emulator instance holds: the directory, keys, pending sign-ins, counters and injected faults. */
import type { Directory } from "./directory.ts";
import type { SigningKeyRing } from "./signing_keys.ts";

/** Runtime settings changeable through `POST /_emulator/settings`. */
export interface EmulatorSettings {
  /** Fixed access-token lifetime; when unset, each token lives a random 60–90 minutes as on Entra. */
  accessTokenLifetimeSeconds?: number;
  /** How long a new directory object stays invisible to Graph (eventual consistency). */
  replicationDelayMs: number;
  /** Device code polling interval announced to clients (Entra uses 5). */
  deviceCodeIntervalSeconds: number;
}

/** A failure (or delay) injected for the next `count` requests whose stats key is `match`. */
export interface Fault {
  match: string;
  status?: number;
  retryAfter?: number;
  aadsts?: number;
  delayMs?: number;
  count: number;
}

/** A signed-in session's facts that travel with codes and refresh tokens. */
export interface SignInFacts {
  userId: string;
  clientAppId: string;
  /** Scopes as the client requested them (resource-qualified, plus OIDC scopes). */
  scopes: string[];
  /** Multi-factor authentication was performed for this sign-in. */
  mfa: boolean;
}

/** An issued authorization code (single use). */
export interface AuthorizationCodeGrant extends SignInFacts {
  redirectUri: string;
  codeChallenge?: string;
  codeChallengeMethod?: string;
  nonce?: string;
  /** RFC 8707 `resource` sent on the authorize request, if any. */
  resource?: string;
  expiresAtMs: number;
  redeemed: boolean;
  /** The redirect URI is a public-client (mobile/desktop or SPA) one: redemption needs no client credential. */
  publicClient: boolean;
}

/** An issued refresh token. */
export interface RefreshTokenGrant extends SignInFacts {
  expiresAtMs: number;
  /** Issued to an authenticated (confidential) client: redeeming it requires client authentication again. */
  confidential: boolean;
}

/** A pending device authorization (RFC 8628). */
export interface DeviceCodeGrant {
  deviceCode: string;
  userCode: string;
  clientAppId: string;
  scopes: string[];
  expiresAtMs: number;
  intervalSeconds: number;
  lastPollMs?: number;
  status: "pending" | "approved" | "declined" | "redeemed";
  userId?: string;
}

/** One emulator instance's mutable state. */
export interface EmulatorState {
  /** Origin the emulator is reached at, e.g. `http://127.0.0.1:8001` (authority host and Graph base). */
  baseUrl: string;
  /** Origin used in issuers; differs from `baseUrl` to emulate clouds whose issuer host is not the authority host. */
  issuerBaseUrl: string;
  directory: Directory;
  keys: SigningKeyRing;
  settings: EmulatorSettings;
  stats: Map<string, number>;
  faults: Fault[];
  /** Conditional Access: multi-factor authentication is required to get tokens for Microsoft Graph. */
  mfaRequired: boolean;
  authorizationCodes: Map<string, AuthorizationCodeGrant>;
  refreshTokens: Map<string, RefreshTokenGrant>;
  deviceCodes: Map<string, DeviceCodeGrant>;
}

/** The v2.0 issuer of the tenant (`…/{tid}/v2.0`). */
export function v2Issuer(state: EmulatorState): string {
  return `${state.issuerBaseUrl}/${state.directory.tenantId}/v2.0`;
}

/** The v1.0 issuer of the tenant; Entra uses `sts.windows.net` in every public-cloud tenant. */
export function v1Issuer(state: EmulatorState): string {
  return `https://sts.windows.net/${state.directory.tenantId}/`;
}

/** Increments a request counter. */
export function countRequest(state: EmulatorState, key: string): void {
  state.stats.set(key, (state.stats.get(key) ?? 0) + 1);
}

/** Takes the next pending fault for `key`, if any, consuming one of its `count`. */
export function takeFault(state: EmulatorState, key: string): Fault | undefined {
  const index = state.faults.findIndex((f) => f.match === key && f.count > 0);
  if (index < 0) return undefined;
  const fault = state.faults[index];
  fault.count -= 1;
  if (fault.count <= 0) state.faults.splice(index, 1);
  return fault;
}
