/**
 * `doctor --registration`: whether the Server app's registration is what the server expects (pure, so each
 * failure is testable): identifier URI, v2 tokens, the enabled `access_as_user` scope, a pre-authorized
 * client with redirect URIs, Graph permissions and their tenant-wide consent, and the secret's expiry.
 */
import type { ServerConfig } from "../config/mod.ts";
import {
  adminConsentUrl,
  GRAPH_APP_ID,
  GRAPH_PERMISSIONS,
  SCOPE_VALUE,
  scopeCovers,
} from "../setup/registration_spec.ts";
import { type CheckResult, skipped } from "./check.ts";
import type { RegistrationSnapshot } from "./registration_snapshot.ts";

/** A secret that expires within this many days is a warning. */
export const EXPIRY_WARNING_DAYS = 30;

const SETUP = "run `entra-obo-mcp setup`";
const DAY_MS = 86_400_000;

/** Every registration check for `snapshot`. */
export function registrationChecks(
  snapshot: RegistrationSnapshot,
  config: ServerConfig,
  options: { nowMs: number },
): CheckResult[] {
  const { server } = snapshot;
  const titles = {
    "registration.identifier_uri": "identifier URI",
    "registration.token_version": "v2 access tokens",
    "registration.scope": `scope ${SCOPE_VALUE}`,
    "registration.pre_authorized_client": "pre-authorized client",
    "registration.redirect_uris": "client redirect URIs",
    "registration.graph_permissions": "Graph permissions",
    "registration.admin_consent": "admin consent",
    "registration.secret_expiry": "secret expiry",
  };
  if (!server) {
    return [
      {
        id: "registration.server_app",
        title: "Server app registered",
        status: "fail",
        detail: `no app registration with appId ${config.clientId} in tenant ${config.tenantId}`,
        fix: `check AZURE_CLIENT_ID, or ${SETUP} to create it`,
      },
      ...Object.entries(titles).map(([id, title]) => skipped(id, title, "the Server app was not found")),
    ];
  }
  const check = (id: keyof typeof titles, ok: boolean, detail: string, fix: string): CheckResult => ({
    id,
    title: titles[id],
    status: ok ? "pass" : "fail",
    detail,
    ...(ok ? {} : { fix }),
  });
  const uri = `api://${server.appId}`;
  const version = server.api.requestedAccessTokenVersion;
  const scope = server.api.oauth2PermissionScopes.find((s) => s.value === SCOPE_VALUE);
  const preAuthorized = scope
    ? server.api.preAuthorizedApplications.filter((p) =>
      p.delegatedPermissionIds.some((id) => id.toLowerCase() === scope.id.toLowerCase())
    )
    : [];
  const withRedirects = snapshot.clients.filter((c) =>
    preAuthorized.some((p) => p.appId === c.appId) && (c.app?.web.redirectUris.length ?? 0) > 0
  );
  const graph = server.requiredResourceAccess.find((r) => r.resourceAppId === GRAPH_APP_ID);
  const missing = GRAPH_PERMISSIONS.filter((p) => !graph?.resourceAccess.some((a) => a.id === p.id));
  const wanted = GRAPH_PERMISSIONS.map((p) => p.value);
  const grant = snapshot.grants.find((g) => scopeCovers(g.scope, wanted));
  return [
    {
      id: "registration.server_app",
      title: "Server app registered",
      status: "pass",
      detail: `"${server.displayName}" (object ${server.id})`,
    },
    check(
      "registration.identifier_uri",
      server.identifierUris.includes(uri),
      server.identifierUris.includes(uri)
        ? uri
        : `${uri} is missing (has: ${server.identifierUris.join(", ") || "none"})`,
      `${SETUP} (it sets ${uri}), or add it under Expose an API`,
    ),
    check(
      "registration.token_version",
      version === 2,
      `api.requestedAccessTokenVersion is ${version}`,
      `${SETUP} (it sets 2): the server accepts only v2 tokens, whose audience is the appId`,
    ),
    check(
      "registration.scope",
      scope?.isEnabled === true,
      !scope
        ? `the app exposes no ${SCOPE_VALUE} scope`
        : `${SCOPE_VALUE} (${scope.id}) is ${scope.isEnabled ? "enabled" : "disabled"}`,
      `${SETUP} (it ${scope ? "enables" : "adds"} ${SCOPE_VALUE})`,
    ),
    check(
      "registration.pre_authorized_client",
      preAuthorized.length > 0,
      preAuthorized.length > 0
        ? `pre-authorized: ${preAuthorized.map((p) => p.appId).join(", ")}`
        : `no client is pre-authorized for ${SCOPE_VALUE}`,
      `${SETUP} (it pre-authorizes the Client app)`,
    ),
    check(
      "registration.redirect_uris",
      withRedirects.length > 0,
      withRedirects.length > 0
        ? withRedirects.map((c) => `${c.appId}: ${c.app!.web.redirectUris.join(", ")}`).join("; ")
        : "no pre-authorized client app in this tenant has a Web redirect URI",
      "run `entra-obo-mcp setup --redirect-uri https://<gateway>/oauth/mcp/callback`",
    ),
    check(
      "registration.graph_permissions",
      missing.length === 0,
      missing.length === 0
        ? `Microsoft Graph ${wanted.join(", ")} declared`
        : `Microsoft Graph ${missing.map((p) => p.value).join(", ")} not declared`,
      `${SETUP} (it declares them)`,
    ),
    check(
      "registration.admin_consent",
      grant !== undefined,
      grant
        ? `tenant-wide consent for ${grant.scope}`
        : snapshot.serverServicePrincipal
        ? `no tenant-wide consent for Microsoft Graph ${wanted.join(", ")}`
        : "the Server app has no service principal, so nothing is consented",
      "run `entra-obo-mcp setup --grant-admin-consent`, or have an administrator open " +
        adminConsentUrl(config.authorityHost, { tenantId: config.tenantId, appId: server.appId }),
    ),
    secretExpiry(server, config, options.nowMs),
  ];
}

function secretExpiry(
  server: NonNullable<RegistrationSnapshot["server"]>,
  config: ServerConfig,
  nowMs: number,
): CheckResult {
  const base = { id: "registration.secret_expiry", title: "secret expiry" };
  if (config.credential.kind !== "secret") {
    return {
      ...base,
      status: "skip",
      detail: `not run: the server uses a ${config.credential.kind} credential`,
    };
  }
  const secret = config.credential.secret;
  // Graph shows only a secret's first three characters (`hint`): enough to tell which one .env holds.
  const credential = server.passwordCredentials.find((c) => c.hint && secret.startsWith(c.hint));
  const rotate = "run `entra-obo-mcp setup --rotate-secrets`";
  if (!credential) {
    return {
      ...base,
      status: "fail",
      detail: "AZURE_CLIENT_SECRET matches none of the Server app's secrets",
      fix: `${rotate} (it writes a new secret to .env)`,
    };
  }
  if (!credential.endDateTime) return { ...base, status: "pass", detail: "the secret does not expire" };
  const leftMs = Date.parse(credential.endDateTime) - nowMs;
  const days = Math.floor(leftMs / DAY_MS);
  const when = credential.endDateTime.slice(0, 10);
  if (leftMs <= 0) return { ...base, status: "fail", detail: `the secret expired ${when}`, fix: rotate };
  if (days <= EXPIRY_WARNING_DAYS) {
    return {
      ...base,
      status: "warn",
      detail: `the secret expires ${when} (in ${days} days)`,
      fix: `${rotate} before then`,
    };
  }
  return { ...base, status: "pass", detail: `the secret expires ${when} (in ${days} days)` };
}
