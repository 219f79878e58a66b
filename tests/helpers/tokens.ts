/** Minting tokens in-process with the emulator's keys, for tests of the verifier's reject paths. */
import type { EmulatorHandle } from "../../src/emulator/mod.ts";
import { type AccessTokenRequest, mintAccessToken } from "../../src/emulator/tokens.ts";

/** A v2 access token for the demo Server app, as the Client app would get it, with overrides. */
export async function mintServerToken(
  emulator: EmulatorHandle,
  overrides: Partial<AccessTokenRequest> & { userIndex?: number } = {},
): Promise<string> {
  const { userIndex = 0, ...rest } = overrides;
  const { token } = await mintAccessToken(emulator.state, {
    user: emulator.state.directory.users[userIndex],
    clientAppId: emulator.config.client.clientId,
    clientAuth: "1",
    resourceAppId: emulator.config.server.clientId,
    audience: emulator.config.server.identifierUri,
    version: 2,
    scopes: ["access_as_user"],
    ...rest,
  });
  return token;
}

/** Signs arbitrary claims with the emulator's current key (or `key`), for hand-made bad tokens. */
export async function signWithEmulatorKey(
  emulator: EmulatorHandle,
  claims: Record<string, unknown>,
  options: { header?: Record<string, unknown>; key?: CryptoKey } = {},
): Promise<string> {
  const { CompactSign } = await import("jose");
  const kid = emulator.state.keys.current.kid;
  return await new CompactSign(new TextEncoder().encode(JSON.stringify(claims)))
    .setProtectedHeader({ typ: "JWT", alg: "RS256", kid, ...options.header } as { alg: string })
    .sign(options.key ?? emulator.state.keys.current.privateKey);
}

/** Claims of a valid v2 access token for the demo Server app, to be altered by a test. */
export function validV2Claims(emulator: EmulatorHandle): Record<string, unknown> {
  const now = Math.floor(Date.now() / 1000);
  const user = emulator.state.directory.users[0];
  return {
    aud: emulator.config.server.clientId,
    iss: `${emulator.url}/${emulator.config.tenantId}/v2.0`,
    iat: now,
    nbf: now,
    exp: now + 3600,
    azp: emulator.config.client.clientId,
    azpacr: "1",
    name: user.displayName,
    oid: user.id,
    preferred_username: user.userPrincipalName,
    scp: "access_as_user",
    sub: "pairwise-subject",
    tid: emulator.config.tenantId,
    uti: "uti",
    ver: "2.0",
  };
}
