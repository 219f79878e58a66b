/**
 * `POST /{tenant}/oauth2/v2.0/devicecode`: starts a device authorization (RFC 8628 §3.1–3.2) for a public
 * client (Microsoft's first-party tools, or an app with `isFallbackPublicClient`); other clients would need
 * a credential, so they get AADSTS7000218. Like Entra, the answer has no `verification_uri_complete`.
 */
import type { RouteContext } from "../router.ts";
import type { EmulatorState } from "../state.ts";
import { opaque } from "../tokens.ts";
import { requireClientApp } from "./client_app.ts";
import { EntraError } from "./entra_errors.ts";
import { pruneExpiredGrants } from "./expired_grants.ts";
import { clientRequestId, readFormBody, requiredParameter } from "./http_forms.ts";
import { parseScopes } from "./scopes.ts";
import { resolveTenant } from "./tenant.ts";

/** Device codes live 15 minutes, as on Entra. */
export const DEVICE_CODE_LIFETIME_SECONDS = 900;

const USER_CODE_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
const USER_CODE_LENGTH = 9;

/** The page where users enter the code. */
export function verificationUri(state: EmulatorState): string {
  return `${state.baseUrl}/devicelogin`;
}

/** Handles the device authorization endpoint. */
export async function handleDeviceAuthorization(request: Request, context: RouteContext): Promise<Response> {
  const { state, url } = context;
  const correlationId = clientRequestId(request, url);
  try {
    resolveTenant(state, context.params.tenant);
    if (request.method !== "POST") throw new EntraError(900561, { params: { method: request.method } });
    const form = await readFormBody(request);
    const client = requireClientApp(state, form.get("client_id"));
    if (!client.publicClient) throw new EntraError(7000218);
    const scope = requiredParameter(form, "scope");
    parseScopes(state, scope, { clientName: client.displayName });
    pruneExpiredGrants(state.deviceCodes);
    const deviceCode = opaque(96);
    const userCode = newUserCode(state);
    const interval = state.settings.deviceCodeIntervalSeconds;
    state.deviceCodes.set(deviceCode, {
      deviceCode,
      userCode,
      clientAppId: client.appId,
      scopes: scope.split(" ").filter(Boolean),
      expiresAtMs: Date.now() + DEVICE_CODE_LIFETIME_SECONDS * 1000,
      intervalSeconds: interval,
      status: "pending",
    });
    const uri = verificationUri(state);
    const body = {
      user_code: userCode,
      device_code: deviceCode,
      verification_uri: uri,
      expires_in: DEVICE_CODE_LIFETIME_SECONDS,
      interval,
      message:
        `To sign in, use a web browser to open the page ${uri} and enter the code ${userCode} to authenticate.`,
    };
    return new Response(JSON.stringify(body), {
      headers: { "content-type": "application/json; charset=utf-8", "cache-control": "no-store, no-cache" },
    });
  } catch (error) {
    if (error instanceof EntraError) return error.toResponse({ correlationId });
    throw error;
  }
}

/** A user code not used by any live device authorization. */
function newUserCode(state: EmulatorState): string {
  const live = new Set([...state.deviceCodes.values()].map((grant) => grant.userCode));
  for (;;) {
    let code = "";
    while (code.length < USER_CODE_LENGTH) {
      const [byte] = crypto.getRandomValues(new Uint8Array(1));
      // Rejection sampling keeps the 36 characters equally likely.
      if (byte < 252) code += USER_CODE_ALPHABET[byte % USER_CODE_ALPHABET.length];
    }
    if (!live.has(code)) return code;
  }
}
