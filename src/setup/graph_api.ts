/**
 * A typed client for the Microsoft Graph app-registration API (`/v1.0/applications`, `servicePrincipals`,
 * `oauth2PermissionGrants`) with the signed-in administrator's token. Throttling and 5xx are retried by
 * `fetchWithRetry`; on top of that, calls about objects created a moment ago retry (bounded) while Graph's
 * directory replicates, and 403 `Authorization_RequestDenied` becomes an error naming the role needed.
 */
import { fetchWithRetry } from "../upstream/fetch_with_retry.ts";
import { GraphRequestError, InsufficientPrivilegesError, type Privilege } from "./errors.ts";
import type {
  Application,
  ApplicationWrite,
  PasswordCredential,
  PermissionGrant,
  ServicePrincipal,
} from "./graph_types.ts";

/** Bounded retries while Graph replicates a new object. */
export interface ConsistencyRetry {
  /** Attempts in all, the first included (default 12). */
  maxAttempts?: number;
  /** First wait; doubles each time (default 500 ms). */
  baseDelayMs?: number;
  /** Longest single wait (default 5 s; az waits 5 s between such retries). */
  maxDelayMs?: number;
}

/** Options for {@linkcode createGraphApi}. */
export interface GraphApiOptions {
  /** Graph origin, e.g. `https://graph.microsoft.com`. */
  baseUrl: string;
  /** A delegated Graph access token. */
  token: string;
  /** Timeout of each HTTP attempt (default 30 s). */
  timeoutMs?: number;
  consistency?: ConsistencyRetry;
  /** Told about each retry, for progress output. */
  onRetry?: (message: string) => void;
}

/** Options of one call. */
interface CallOptions {
  privilege: Privilege;
  /** The object may have been created moments ago: retry replication errors. */
  awaitReplication?: boolean;
  /** A further replication symptom of this call. */
  alsoRetryWhen?: (error: GraphRequestError) => boolean;
  /** Answer `undefined` for a 404 instead of throwing. */
  notFoundIsEmpty?: boolean;
}

/** A password credential as `addPassword` returns it: the only time Graph shows the secret. */
export type NewPasswordCredential = PasswordCredential & { secretText: string };

/** Graph's app-registration operations used by setup and doctor. */
export interface GraphApi {
  /** Applications whose display name is exactly `displayName`. */
  findApplicationsByName(displayName: string): Promise<Application[]>;
  /** The application with this `appId`, or `undefined`. */
  getApplicationByAppId(
    appId: string,
    options?: { awaitReplication?: boolean },
  ): Promise<Application | undefined>;
  createApplication(body: ApplicationWrite): Promise<Application>;
  /** PATCH; retried while the application replicates. */
  updateApplication(objectId: string, body: ApplicationWrite): Promise<void>;
  addPassword(objectId: string, displayName: string): Promise<NewPasswordCredential>;
  removePassword(objectId: string, keyId: string): Promise<void>;
  /** The service principal of `appId`, or `undefined`. */
  getServicePrincipalByAppId(
    appId: string,
    options?: { awaitReplication?: boolean },
  ): Promise<ServicePrincipal | undefined>;
  /** Creates the service principal; retried until the application has replicated. */
  createServicePrincipal(appId: string): Promise<ServicePrincipal>;
  /** Tenant-wide (`AllPrincipals`) grants of `clientId` on `resourceId` (service principal object IDs). */
  findAllPrincipalsGrants(clientId: string, resourceId: string): Promise<PermissionGrant[]>;
  /** Creates an `AllPrincipals` grant; retried while the client service principal replicates. */
  createAllPrincipalsGrant(clientId: string, resourceId: string, scope: string): Promise<PermissionGrant>;
  updateGrantScope(grantId: string, scope: string): Promise<void>;
}

const REPLICATION_MESSAGES = [
  // POST /servicePrincipals right after POST /applications (details code NoBackingApplicationObject).
  "does not reference a valid application object",
  "the backing application of the service principal being created must in the local tenant",
];

/** Whether an error is one Graph gives for an object that has not replicated yet. */
export function isReplicationLag(error: GraphRequestError): boolean {
  if (error.status === 404 && error.code === "Request_ResourceNotFound") return true;
  if (error.status !== 400) return false;
  const message = error.message.toLowerCase();
  return error.detailCodes.includes("NoBackingApplicationObject") ||
    REPLICATION_MESSAGES.some((m) => message.includes(m));
}

/** An OData string literal: quotes doubled (OData ABNF `SQUOTE-in-string`). */
export function odataString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/** Creates a Graph client for `options.token`. */
export function createGraphApi(options: GraphApiOptions): GraphApi {
  const base = options.baseUrl.replace(/\/+$/, "");

  async function call<T>(
    method: string,
    path: string,
    body: unknown,
    callOptions: CallOptions,
  ): Promise<T | undefined> {
    const { maxAttempts = 12, baseDelayMs = 500, maxDelayMs = 5000 } = options.consistency ?? {};
    const operation = `${method} ${path.split("?")[0]}`;
    for (let attempt = 1;; attempt++) {
      const response = await fetchWithRetry(`${base}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${options.token}`,
          accept: "application/json",
          ...(body === undefined ? {} : { "content-type": "application/json" }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      }, { service: "Microsoft Graph", timeoutMs: options.timeoutMs ?? 30_000 });
      const text = await response.text();
      if (response.ok) return text === "" ? undefined : JSON.parse(text) as T;
      const error = graphError(response, text, operation, callOptions.privilege);
      if (error.status === 404 && callOptions.notFoundIsEmpty) return undefined;
      const lagging = isReplicationLag(error) || (callOptions.alsoRetryWhen?.(error) ?? false);
      if (!callOptions.awaitReplication || !lagging || attempt >= maxAttempts) throw error;
      const delayMs = Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1));
      options.onRetry?.(`${operation}: ${error.code}, waiting ${delayMs} ms for Graph to replicate`);
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
  }

  async function list<T>(path: string, privilege: Privilege): Promise<T[]> {
    const items: T[] = [];
    let next: string | undefined = path;
    while (next !== undefined) {
      const page: { value: T[]; "@odata.nextLink"?: string } | undefined = await call(
        "GET",
        next,
        undefined,
        { privilege },
      );
      items.push(...(page?.value ?? []));
      const link: string | undefined = page?.["@odata.nextLink"];
      next = link === undefined ? undefined : link.slice(new URL(link).origin.length);
    }
    return items;
  }

  const app = { privilege: "applications" } as const;
  const read = { privilege: "read" } as const;
  return {
    findApplicationsByName: async (displayName) => {
      const filter = encodeURIComponent(`displayName eq ${odataString(displayName)}`);
      // The directory compares case-insensitively; the setup wants the exact name.
      return (await list<Application>(`/v1.0/applications?$filter=${filter}`, "read"))
        .filter((a) => a.displayName === displayName);
    },
    getApplicationByAppId: (appId, getOptions = {}) =>
      call<Application>("GET", `/v1.0/applications(appId=${odataString(appId)})`, undefined, {
        ...read,
        awaitReplication: getOptions.awaitReplication,
        notFoundIsEmpty: !getOptions.awaitReplication,
      }),
    createApplication: async (body) => (await call<Application>("POST", "/v1.0/applications", body, app))!,
    updateApplication: async (objectId, body) => {
      await call("PATCH", `/v1.0/applications/${objectId}`, body, { ...app, awaitReplication: true });
    },
    addPassword: async (objectId, displayName) =>
      (await call<NewPasswordCredential>(
        "POST",
        `/v1.0/applications/${objectId}/addPassword`,
        { passwordCredential: { displayName } },
        { ...app, awaitReplication: true },
      ))!,
    removePassword: async (objectId, keyId) => {
      // A secret that is already gone (404) is what removal wants: not an error.
      await call("POST", `/v1.0/applications/${objectId}/removePassword`, { keyId }, {
        ...app,
        notFoundIsEmpty: true,
      });
    },
    getServicePrincipalByAppId: (appId, getOptions = {}) =>
      call<ServicePrincipal>("GET", `/v1.0/servicePrincipals(appId=${odataString(appId)})`, undefined, {
        ...read,
        awaitReplication: getOptions.awaitReplication,
        notFoundIsEmpty: !getOptions.awaitReplication,
      }),
    createServicePrincipal: async (appId) => {
      try {
        return (await call<ServicePrincipal>("POST", "/v1.0/servicePrincipals", { appId }, {
          ...app,
          awaitReplication: true,
        }))!;
      } catch (error) {
        // 409: it exists already (uniqueness is checked on write) but reads have not seen it yet.
        if (!(error instanceof GraphRequestError) || error.status !== 409) throw error;
        return (await call<ServicePrincipal>(
          "GET",
          `/v1.0/servicePrincipals(appId=${odataString(appId)})`,
          undefined,
          { ...read, awaitReplication: true },
        ))!;
      }
    },
    findAllPrincipalsGrants: (clientId, resourceId) => {
      const filter = encodeURIComponent(
        `clientId eq ${odataString(clientId)} and resourceId eq ${odataString(resourceId)}`,
      );
      return list<PermissionGrant>(`/v1.0/oauth2PermissionGrants?$filter=${filter}`, "read")
        .then((grants) => grants.filter((g) => g.consentType === "AllPrincipals"));
    },
    createAllPrincipalsGrant: async (clientId, resourceId, scope) =>
      (await call<PermissionGrant>(
        "POST",
        "/v1.0/oauth2PermissionGrants",
        { clientId, consentType: "AllPrincipals", principalId: null, resourceId, scope },
        {
          privilege: "consent",
          awaitReplication: true,
          // A service principal created moments ago is not yet a valid `clientId` for a grant.
          alsoRetryWhen: (error) => error.status === 400 && error.message.includes("'clientId'"),
        },
      ))!,
    updateGrantScope: async (grantId, scope) => {
      await call("PATCH", `/v1.0/oauth2PermissionGrants/${grantId}`, { scope }, {
        privilege: "consent",
        awaitReplication: true,
      });
    },
  };
}

function graphError(
  response: Response,
  text: string,
  operation: string,
  privilege: Privilege,
): GraphRequestError {
  let error: { code?: unknown; message?: unknown; details?: unknown } = {};
  try {
    error = JSON.parse(text)?.error ?? {};
  } catch {
    // Gateways and throttling can answer with plain text.
  }
  const details = Array.isArray(error.details) ? error.details : [];
  const fields = {
    status: response.status,
    code: typeof error.code === "string" ? error.code : `HTTP${response.status}`,
    message: typeof error.message === "string" ? error.message : text.slice(0, 200),
    requestId: response.headers.get("request-id") ?? undefined,
    operation,
    detailCodes: details.map((d: { code?: unknown }) => String(d?.code)),
  };
  return response.status === 403 && fields.code === "Authorization_RequestDenied"
    ? new InsufficientPrivilegesError({ ...fields, privilege })
    : new GraphRequestError(fields);
}
