/**
 * `GET|POST /{tenant}/oauth2/v2.0/authorize`: the authorization code flow. Until the client and its redirect
 * URI are validated, errors are shown as an HTML page (Entra never redirects to an unregistered URI); after
 * that they go back to the redirect URI. `login_hint` with a known user signs that user in at once (an
 * emulator convenience for automation); otherwise the user is picked on a page.
 */
import { type DirectoryUser, findUser } from "../directory.ts";
import type { RouteContext } from "../router.ts";
import type { EmulatorState } from "../state.ts";
import { opaque } from "../tokens.ts";
import {
  authorizationErrorResponse,
  authorizationResponse,
  authorizeErrorPage,
  responseModeOf,
} from "./authorization_response.ts";
import { type ClientApp, type RegisteredRedirectUri, requireClientApp } from "./client_app.ts";
import { interactiveSignInPerformsMfa } from "./conditional_access.ts";
import { recordUserConsent, userMayConsent } from "./consent.ts";
import { planDelegatedGrant } from "./delegated_grant.ts";
import { EntraError } from "./entra_errors.ts";
import { pruneExpiredGrants } from "./expired_grants.ts";
import { readAuthorizeParameters, requiredParameter } from "./http_forms.ts";
import { readPkceChallenge } from "./pkce.ts";
import { matchRedirectUri } from "./redirect_uri.ts";
import { checkResourceIndicator } from "./resource_app.ts";
import { parseScopes } from "./scopes.ts";
import {
  CONSENT_FIELD,
  renderConsentPage,
  renderSignInPage,
  type SignInPageContext,
  USER_FIELD,
} from "./sign_in_page.ts";
import { resolveTenant } from "./tenant.ts";

/** Authorization codes are single use and expire after 10 minutes. */
export const AUTHORIZATION_CODE_LIFETIME_MS = 10 * 60 * 1000;

/** A validated authorization request's destination. */
interface ValidatedClient {
  client: ClientApp;
  redirectUri: string;
  registration: RegisteredRedirectUri;
}

/** Handles the authorization endpoint. */
export async function handleAuthorize(request: Request, context: RouteContext): Promise<Response> {
  const { state, url } = context;
  const parameters = await readAuthorizeParameters(request, url);
  let validated: ValidatedClient;
  try {
    resolveTenant(state, context.params.tenant);
    validated = validateClient(state, parameters);
  } catch (error) {
    if (error instanceof EntraError) return authorizeErrorPage(error);
    throw error;
  }
  const mode = responseModeOf(parameters);
  try {
    return authorize(state, validated, { parameters, action: url.pathname });
  } catch (error) {
    if (!(error instanceof EntraError)) throw error;
    return authorizationErrorResponse(validated.redirectUri, error, {
      mode,
      state: parameters.get("state") ?? undefined,
    });
  }
}

function validateClient(state: EmulatorState, parameters: URLSearchParams): ValidatedClient {
  const client = requireClientApp(state, parameters.get("client_id"));
  if (client.redirectUris.length === 0) throw new EntraError(500113);
  const redirectUri = requiredParameter(parameters, "redirect_uri");
  const registration = matchRedirectUri(client, redirectUri);
  if (!registration) throw new EntraError(50011, { params: { redirectUri, appId: client.appId } });
  return { client, redirectUri, registration };
}

function authorize(
  state: EmulatorState,
  validated: ValidatedClient,
  request: { parameters: URLSearchParams; action: string },
): Response {
  const { client, redirectUri, registration } = validated;
  const { parameters } = request;
  const responseType = requiredParameter(parameters, "response_type");
  if (responseType !== "code") throw new EntraError(70005, { params: { responseType } });
  const parsed = parseScopes(state, requiredParameter(parameters, "scope"), {
    clientName: client.displayName,
  });
  const { resource } = parsed.target;
  checkResourceIndicator(resource, parameters.get("resource"));
  const pkce = readPkceChallenge(parameters);
  // Public clients (mobile/desktop and SPA redirect URIs) cannot keep a secret: PKCE is their only proof.
  if (!pkce && registration.kind !== "web") throw new EntraError(9002325);
  const claimsRequested = readClaimsParameter(parameters);

  const page: SignInPageContext = { action: request.action, parameters, clientName: client.displayName };
  const user = chosenUser(state, parameters);
  if (!user) return renderSignInPage(page, state.directory.users);

  const plan = planDelegatedGrant(state, parsed, { client, user, interactive: true });
  if (plan.missing.length > 0) {
    if (!userMayConsent(user, { resource, values: plan.missing })) throw new EntraError(90094);
    const onPage = parameters.has(USER_FIELD);
    const decision = parameters.get(CONSENT_FIELD);
    if (onPage && decision === "decline") throw new EntraError(65004);
    if (onPage && decision !== "accept") {
      const scopes = resource.scopes.filter((s) => plan.missing.includes(s.value));
      return renderConsentPage(page, { user, resourceName: resource.displayName, scopes });
    }
    recordUserConsent(state, { client, resource, user, values: plan.missing });
  }

  pruneExpiredGrants(state.authorizationCodes);
  const code = `1.${opaque(64)}`;
  const pkceFields = pkce ? { codeChallenge: pkce.challenge, codeChallengeMethod: pkce.method } : {};
  state.authorizationCodes.set(code, {
    userId: user.id,
    clientAppId: client.appId,
    scopes: parsed.raw,
    mfa: interactiveSignInPerformsMfa(state, resource, { claimsRequested }),
    redirectUri,
    ...pkceFields,
    nonce: parameters.get("nonce") ?? undefined,
    resource: parameters.get("resource") ?? undefined,
    expiresAtMs: Date.now() + AUTHORIZATION_CODE_LIFETIME_MS,
    redeemed: false,
    publicClient: registration.kind !== "web",
  });
  return authorizationResponse(redirectUri, {
    code,
    state: parameters.get("state") ?? undefined,
    session_state: crypto.randomUUID(),
  }, { mode: responseModeOf(parameters) });
}

/** The user chosen on the sign-in page, else the `login_hint` user; undefined shows the page. */
function chosenUser(state: EmulatorState, parameters: URLSearchParams): DirectoryUser | undefined {
  const picked = parameters.get(USER_FIELD);
  if (picked) return state.directory.users.find((u) => u.id === picked);
  const hint = parameters.get("login_hint");
  return hint ? findUser(state.directory, hint) : undefined;
}

/**
 * A `claims` parameter is a Conditional Access claims challenge: the user performs MFA during this sign-in.
 * It must be a JSON object (OIDC Core §5.5), else AADSTS90100.
 */
function readClaimsParameter(parameters: URLSearchParams): boolean {
  const claims = parameters.get("claims");
  if (!claims) return false;
  let parsed: unknown;
  try {
    parsed = JSON.parse(claims);
  } catch {
    parsed = undefined;
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new EntraError(90100, { params: { parameter: "claims" } });
  }
  return true;
}
