/**
 * What differs between the registrations the MCP server needs and what the tenant has, as pure functions:
 * each stage planner takes what exists and returns the Graph writes to make plus one line per change.
 * `--dry-run` prints {@linkcode planSetup}; `apply.ts` runs the same planners stage by stage on live objects,
 * so a rerun changes only what differs and a complete registration yields no changes at all.
 */
import type {
  Application,
  ApplicationWrite,
  PermissionGrant,
  PermissionScope,
  RequiredResourceAccess,
  ServicePrincipal,
} from "./graph_types.ts";
import {
  accessAsUserScope,
  DEFAULT_BASE_URL,
  GRAPH_APP_ID,
  GRAPH_PERMISSIONS,
  graphConsentScope,
  SCOPE_VALUE,
  scopeCovers,
} from "./registration_spec.ts";

/** How the server authenticates, as the `.env` says (setup manages secrets only). */
export type CredentialKind = "secret" | "certificate" | "federated";

/** What the run should achieve. */
export interface DesiredSetup {
  serverName: string;
  clientName: string;
  /** Web redirect URIs the Client app must have (others it has are kept). */
  redirectUris: string[];
  rotateSecrets: boolean;
  grantAdminConsent: boolean;
  tenantId: string;
  /** `--base-url`, if given. */
  baseUrl?: string;
  credentialKind: CredentialKind;
  /** `AZURE_CLOUD`/`AZURE_AUTHORITY_HOST`/`GRAPH_BASE_URL` set for this run, to keep in `.env`. */
  endpointSettings: Record<string, string>;
  /** ID for a new `access_as_user` scope (an input, so planning stays pure). */
  newScopeId: string;
  /** The current time (epoch ms), to tell expired secrets. */
  nowMs: number;
}

/** What the tenant and the `.env` have. */
export interface ExistingState {
  server?: Application;
  serverServicePrincipal?: ServicePrincipal;
  client?: Application;
  clientServicePrincipal?: ServicePrincipal;
  /** `AllPrincipals` grants of the Server app's service principal on Microsoft Graph. */
  grants: PermissionGrant[];
  /** The values in the `.env` file. */
  envValues: Record<string, string>;
}

/** Graph writes for one app registration. */
export interface AppPlan {
  /** `POST /applications` body, when the app does not exist. */
  create?: ApplicationWrite;
  /** `PATCH` bodies in order: a scope is disabled in one PATCH before it changes in the next. */
  patches: ApplicationWrite[];
  changes: string[];
}

/** What to do about an app's client secrets. */
export interface SecretPlan {
  add: boolean;
  /** Secrets to remove once the new one is written (rotation only). */
  removeKeyIds: string[];
  changes: string[];
}

/** What to do about tenant-wide consent to Graph. */
export interface ConsentPlan {
  action: "none" | "create" | "update";
  grantId?: string;
  scope: string;
  changes: string[];
}

/** Stands in for IDs and secrets that only exist once the run has created them. */
export const PLACEHOLDER = {
  serverAppId: "<new Server appId>",
  clientAppId: "<new Client appId>",
  secret: "<new secret>",
} as const;

const MY_ORG = "AzureADMyOrg";

/** The Server app: audience, identifier URI, v2 tokens, the enabled `access_as_user` scope, Graph permissions. */
export function planServerApp(app: Application | undefined, desired: DesiredSetup): AppPlan {
  if (!app) {
    return {
      create: {
        displayName: desired.serverName,
        signInAudience: MY_ORG,
        api: {
          requestedAccessTokenVersion: 2,
          oauth2PermissionScopes: [accessAsUserScope(desired.newScopeId)],
        },
        requiredResourceAccess: [graphAccess(undefined)],
      },
      patches: [],
      changes: [
        `create Server app "${desired.serverName}" (v2 tokens, scope ${SCOPE_VALUE}, Graph ${graphList()})`,
      ],
    };
  }
  const body: ApplicationWrite = {};
  const changes: string[] = [];
  const patches: ApplicationWrite[] = [];
  if (app.signInAudience !== MY_ORG) {
    body.signInAudience = MY_ORG;
    changes.push(`set Server app signInAudience to ${MY_ORG} (was ${app.signInAudience})`);
  }
  const uri = `api://${app.appId}`;
  // identifierUris needs the appId, which only exists after creation: always a PATCH of its own.
  if (!app.identifierUris.includes(uri)) {
    body.identifierUris = [uri, ...app.identifierUris];
    changes.push(`set Server app identifier URI ${uri}`);
  }
  const api = { ...app.api };
  let apiChanged = false;
  if (api.requestedAccessTokenVersion !== 2) {
    api.requestedAccessTokenVersion = 2;
    apiChanged = true;
    changes.push(
      `set Server app api.requestedAccessTokenVersion to 2 (was ${app.api.requestedAccessTokenVersion})`,
    );
  }
  const scopes = app.api.oauth2PermissionScopes;
  const scope = scopes.find((s) => s.value === SCOPE_VALUE);
  if (!scope) {
    api.oauth2PermissionScopes = [...scopes, accessAsUserScope(desired.newScopeId)];
    apiChanged = true;
    changes.push(`add scope ${SCOPE_VALUE} to the Server app`);
  } else if (scope.isEnabled && scope.type !== "User") {
    // Graph refuses to change an enabled scope (CannotDeleteOrUpdateEnabledEntitlement): disable it first.
    patches.push({
      api: { ...app.api, oauth2PermissionScopes: replaceScope(scopes, { ...scope, isEnabled: false }) },
    });
    api.oauth2PermissionScopes = replaceScope(scopes, { ...scope, type: "User", isEnabled: true });
    apiChanged = true;
    changes.push(`make scope ${SCOPE_VALUE} a User scope (disabled first, as Graph requires)`);
  } else if (!scope.isEnabled) {
    api.oauth2PermissionScopes = replaceScope(scopes, { ...scope, type: "User", isEnabled: true });
    apiChanged = true;
    changes.push(`enable scope ${SCOPE_VALUE} on the Server app`);
  }
  if (apiChanged) body.api = api;
  const graph = app.requiredResourceAccess.find((r) => r.resourceAppId === GRAPH_APP_ID);
  const missing = GRAPH_PERMISSIONS.filter((p) => !graph?.resourceAccess.some((a) => a.id === p.id));
  if (missing.length > 0) {
    body.requiredResourceAccess = [
      ...app.requiredResourceAccess.filter((r) => r !== graph),
      graphAccess(graph),
    ];
    changes.push(
      `declare Microsoft Graph permissions ${missing.map((p) => p.value).join(", ")} on the Server app`,
    );
  }
  if (Object.keys(body).length > 0) patches.push(body);
  return { patches, changes };
}

/** The Client app: audience, permission on the server's scope, Web redirect URIs. */
export function planClientApp(
  app: Application | undefined,
  desired: DesiredSetup,
  server: { appId: string; scopeId: string },
): AppPlan {
  const access = { id: server.scopeId, type: "Scope" as const };
  if (!app) {
    const redirects = desired.redirectUris.length > 0
      ? ` and redirect URIs ${desired.redirectUris.join(", ")}`
      : "";
    return {
      create: {
        displayName: desired.clientName,
        signInAudience: MY_ORG,
        requiredResourceAccess: [{ resourceAppId: server.appId, resourceAccess: [access] }],
        web: { redirectUris: [...desired.redirectUris] },
      },
      patches: [],
      changes: [`create Client app "${desired.clientName}" (permission ${SCOPE_VALUE}${redirects})`],
    };
  }
  const body: ApplicationWrite = {};
  const changes: string[] = [];
  if (app.signInAudience !== MY_ORG) {
    body.signInAudience = MY_ORG;
    changes.push(`set Client app signInAudience to ${MY_ORG} (was ${app.signInAudience})`);
  }
  const entry = app.requiredResourceAccess.find((r) =>
    r.resourceAppId.toLowerCase() === server.appId.toLowerCase()
  );
  if (!entry?.resourceAccess.some((a) => a.id.toLowerCase() === server.scopeId.toLowerCase())) {
    body.requiredResourceAccess = [
      ...app.requiredResourceAccess.filter((r) => r !== entry),
      { resourceAppId: server.appId, resourceAccess: [...(entry?.resourceAccess ?? []), access] },
    ];
    changes.push(`give the Client app the permission ${SCOPE_VALUE} on the Server app`);
  }
  const missing = desired.redirectUris.filter((uri) => !app.web.redirectUris.includes(uri));
  if (missing.length > 0) {
    body.web = { ...app.web, redirectUris: [...app.web.redirectUris, ...missing] };
    changes.push(`add Client app redirect URIs ${missing.join(", ")}`);
  }
  return { patches: Object.keys(body).length > 0 ? [body] : [], changes };
}

/** The client pre-authorized for the server's scope (so users are never asked to consent to it). */
export function planPreAuthorization(
  server: Application,
  client: { clientAppId: string; scopeId: string },
): AppPlan {
  const { clientAppId, scopeId } = client;
  const list = server.api.preAuthorizedApplications;
  const entry = list.find((p) => p.appId.toLowerCase() === clientAppId.toLowerCase());
  if (entry?.delegatedPermissionIds.some((id) => id.toLowerCase() === scopeId.toLowerCase())) {
    return { patches: [], changes: [] };
  }
  const updated = [
    ...list.filter((p) => p !== entry),
    { appId: clientAppId, delegatedPermissionIds: [...(entry?.delegatedPermissionIds ?? []), scopeId] },
  ];
  return {
    patches: [{ api: { ...server.api, preAuthorizedApplications: updated } }],
    changes: [`pre-authorize the Client app for ${SCOPE_VALUE} on the Server app`],
  };
}

/** A service principal for an app that has none. */
export function planServicePrincipal(
  servicePrincipal: ServicePrincipal | undefined,
  label: string,
): string[] {
  return servicePrincipal ? [] : [`create the ${label} app's service principal`];
}

/** The Server app's secret: kept when the `.env` holds a live one of the app's, else (or when rotating) added. */
export function planServerSecret(
  app: Application,
  desired: DesiredSetup,
  options: { envSecret?: string },
): SecretPlan {
  const { envSecret } = options;
  if (desired.credentialKind !== "secret") return { add: false, removeKeyIds: [], changes: [] };
  const live = app.passwordCredentials.filter((c) => !expired(c.endDateTime, desired.nowMs));
  // Graph shows only a secret's first three characters (`hint`); that is enough to tell which one .env holds.
  const known = envSecret !== undefined && live.some((c) => c.hint && envSecret.startsWith(c.hint));
  if (desired.rotateSecrets) return rotation(app, "Server");
  if (known) return { add: false, removeKeyIds: [], changes: [] };
  const why = envSecret === undefined ? "none in .env" : "the one in .env is not a live secret of this app";
  return { add: true, removeKeyIds: [], changes: [`add a Server app secret (${why})`] };
}

/** The Client app's secret: kept while it has a live one, else (or when rotating) added. */
export function planClientSecret(app: Application, desired: DesiredSetup): SecretPlan {
  if (desired.rotateSecrets) return rotation(app, "Client");
  if (app.passwordCredentials.some((c) => !expired(c.endDateTime, desired.nowMs))) {
    return { add: false, removeKeyIds: [], changes: [] };
  }
  return { add: true, removeKeyIds: [], changes: ["add a Client app secret"] };
}

/** Tenant-wide consent for the Server app's Graph permissions (only with `--grant-admin-consent`). */
export function planConsent(grants: readonly PermissionGrant[], desired: DesiredSetup): ConsentPlan {
  const wanted = GRAPH_PERMISSIONS.map((p) => p.value);
  const scope = graphConsentScope();
  if (!desired.grantAdminConsent || grants.some((g) => scopeCovers(g.scope, wanted))) {
    return { action: "none", scope, changes: [] };
  }
  const [grant] = grants;
  if (!grant) {
    return {
      action: "create",
      scope,
      changes: [`grant tenant-wide admin consent for Microsoft Graph ${scope}`],
    };
  }
  const merged = [...new Set([...grant.scope.split(" ").filter(Boolean), ...wanted])].join(" ");
  return {
    action: "update",
    grantId: grant.id,
    scope: merged,
    changes: [`extend the tenant-wide admin consent for Microsoft Graph to ${merged}`],
  };
}

/** The `.env` values the server needs, and which of them differ from the file. */
export function planEnvFile(
  envValues: Record<string, string>,
  wanted: Record<string, string>,
): { set: Record<string, string>; changes: string[] } {
  const set = Object.fromEntries(Object.entries(wanted).filter(([key, value]) => envValues[key] !== value));
  const keys = Object.keys(set);
  return { set, changes: keys.length > 0 ? [`write .env: ${keys.join(", ")}`] : [] };
}

/** The `.env` values for a Server app and its secret (`undefined`: keep the file's). */
export function wantedEnvValues(
  desired: DesiredSetup,
  envValues: Record<string, string>,
  server: { appId: string; secret?: string },
): Record<string, string> {
  const values: Record<string, string> = {
    AZURE_TENANT_ID: desired.tenantId,
    AZURE_CLIENT_ID: server.appId,
  };
  const secret = server.secret ?? envValues.AZURE_CLIENT_SECRET;
  if (desired.credentialKind === "secret" && secret !== undefined) values.AZURE_CLIENT_SECRET = secret;
  values.BASE_URL = desired.baseUrl ?? envValues.BASE_URL ?? DEFAULT_BASE_URL;
  return { ...values, ...desired.endpointSettings };
}

/** The old secrets a rotation removes, once the new ones are in use. */
export function planSecretRemoval(server: SecretPlan, client: SecretPlan): string[] {
  const changes: string[] = [];
  if (server.removeKeyIds.length > 0) {
    changes.push(`remove ${server.removeKeyIds.length} old Server app secret(s)`);
  }
  if (client.removeKeyIds.length > 0) {
    changes.push(`remove ${client.removeKeyIds.length} old Client app secret(s)`);
  }
  return changes;
}

/** The `access_as_user` scope ID of a Server app after its plan ran. */
export function scopeIdOf(app: Application): string | undefined {
  return app.api.oauth2PermissionScopes.find((s) => s.value === SCOPE_VALUE)?.id;
}

/** The application `write` turns `app` into, merged as Graph does (collections replaced, `api`/`web` per property). */
export function applyWrite(app: Application, write: ApplicationWrite): Application {
  return {
    ...app,
    ...write,
    api: { ...app.api, ...write.api },
    web: { ...app.web, ...write.web },
  } as Application;
}

/** The application a `POST` creates, with `appId` standing in for the ID Graph assigns. */
export function simulateCreate(create: ApplicationWrite, appId: string): Application {
  return applyWrite({
    id: "",
    appId,
    displayName: "",
    signInAudience: MY_ORG,
    identifierUris: [],
    api: { requestedAccessTokenVersion: null, oauth2PermissionScopes: [], preAuthorizedApplications: [] },
    requiredResourceAccess: [],
    passwordCredentials: [],
    keyCredentials: [],
    web: { redirectUris: [] },
  }, create);
}

/** One stage of the run: what it creates, the changes it makes, and the app as it will be afterwards. */
export interface AppStage {
  /** `POST /applications` body, when the app does not exist yet. */
  create?: ApplicationWrite;
  /** Every change of the stage, including those that follow a creation. */
  changes: string[];
  /** The app after the stage (with a placeholder appId when it is still to be created). */
  result: Application;
  secret: SecretPlan;
  createServicePrincipal: boolean;
}

/** Stage 1: the Server app, its service principal and its secret. */
export function planServerStage(desired: DesiredSetup, existing: ExistingState): AppStage {
  const first = planServerApp(existing.server, desired);
  let server = existing.server ?? simulateCreate(first.create!, PLACEHOLDER.serverAppId);
  const follow = planServerApp(server, desired);
  server = follow.patches.reduce(applyWrite, server);
  const secret = planServerSecret(server, desired, { envSecret: existing.envValues.AZURE_CLIENT_SECRET });
  const servicePrincipal = planServicePrincipal(existing.server && existing.serverServicePrincipal, "Server");
  return {
    create: first.create,
    changes: [
      ...(existing.server ? [] : first.changes),
      ...follow.changes,
      ...servicePrincipal,
      ...secret.changes,
    ],
    result: server,
    secret,
    createServicePrincipal: servicePrincipal.length > 0,
  };
}

/** Stage 3: the Client app, its service principal and its secret. */
export function planClientStage(
  desired: DesiredSetup,
  existing: ExistingState,
  server: { appId: string; scopeId: string },
): AppStage {
  const first = planClientApp(existing.client, desired, server);
  let client = existing.client ?? simulateCreate(first.create!, PLACEHOLDER.clientAppId);
  const follow = planClientApp(client, desired, server);
  client = follow.patches.reduce(applyWrite, client);
  const secret = planClientSecret(client, desired);
  const servicePrincipal = planServicePrincipal(existing.client && existing.clientServicePrincipal, "Client");
  return {
    create: first.create,
    changes: [
      ...(existing.client ? [] : first.changes),
      ...follow.changes,
      ...servicePrincipal,
      ...secret.changes,
    ],
    result: client,
    secret,
    createServicePrincipal: servicePrincipal.length > 0,
  };
}

/** Every change a run would make, in the order it makes them (what `--dry-run` prints). */
export function planSetup(desired: DesiredSetup, existing: ExistingState): string[] {
  const server = planServerStage(desired, existing);
  const env = planEnvFile(
    existing.envValues,
    wantedEnvValues(desired, existing.envValues, {
      appId: server.result.appId,
      secret: server.secret.add ? PLACEHOLDER.secret : undefined,
    }),
  );
  const scopeId = scopeIdOf(server.result)!;
  const client = planClientStage(desired, existing, { appId: server.result.appId, scopeId });
  return [
    ...server.changes,
    ...env.changes,
    ...client.changes,
    ...planPreAuthorization(server.result, { clientAppId: client.result.appId, scopeId }).changes,
    ...planConsent(existing.server && existing.serverServicePrincipal ? existing.grants : [], desired)
      .changes,
    ...planSecretRemoval(server.secret, client.secret),
  ];
}

function rotation(app: Application, label: string): SecretPlan {
  const removeKeyIds = app.passwordCredentials.map((c) => c.keyId);
  return { add: true, removeKeyIds, changes: [`add a new ${label} app secret (rotation)`] };
}

function expired(endDateTime: string | null, nowMs: number): boolean {
  return endDateTime !== null && Date.parse(endDateTime) <= nowMs;
}

function replaceScope(scopes: PermissionScope[], scope: PermissionScope): PermissionScope[] {
  return scopes.map((s) => s.id === scope.id ? scope : s);
}

function graphAccess(existing: RequiredResourceAccess | undefined): RequiredResourceAccess {
  const access = [...(existing?.resourceAccess ?? [])];
  for (const permission of GRAPH_PERMISSIONS) {
    if (!access.some((a) => a.id === permission.id)) access.push({ id: permission.id, type: "Scope" });
  }
  return { resourceAppId: GRAPH_APP_ID, resourceAccess: access };
}

function graphList(): string {
  return GRAPH_PERMISSIONS.map((p) => p.value).join(" + ");
}
