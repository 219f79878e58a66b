/**
 * Parsing the `scope` parameter the way the v2.0 endpoint does: OpenID Connect scopes name no resource,
 * every other scope names exactly one resource (`{resource}/{value}`; bare names mean Microsoft Graph),
 * and `{resource}/.default` stands for the scopes the client has been given on that resource.
 */
import type { EmulatorState } from "../state.ts";
import { GRAPH_APP_ID, OIDC_SCOPES } from "../well_known.ts";
import { EntraError } from "./entra_errors.ts";
import { findResourceApp, type ResourceApp } from "./resource_app.ts";

/** The resource part of a scope request. */
export interface ResourceScopeRequest {
  resource: ResourceApp;
  /** The resource identifier as the client wrote it; undefined for bare Graph names (`User.Read`). */
  named?: string;
  /** Requested scope values (short names); empty for `.default` and for OIDC-only requests. */
  values: string[];
  isDefault: boolean;
}

/** A parsed `scope` parameter. */
export interface ParsedScopes {
  /** Every scope token as requested (deduplicated), for storing with codes and refresh tokens. */
  raw: string[];
  /** OpenID Connect scopes requested, in request order. */
  oidc: string[];
  target: ResourceScopeRequest;
  /** Only OIDC scopes were requested: the access token is then for Microsoft Graph. */
  oidcOnly: boolean;
}

const DEFAULT_SCOPE = ".default";
// RFC 6749 §3.3 scope-token characters.
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;
const SCHEME_ONLY = /^[a-z][a-z0-9+.-]*:\/?$/i;

/**
 * Parses a scope string or throws Entra's error for it: AADSTS70011 (empty or malformed), AADSTS28000 (more
 * than one resource), AADSTS500011 (resource not in the tenant), AADSTS650053 (scope not exposed or disabled).
 */
export function parseScopes(
  state: EmulatorState,
  scope: string,
  options: { clientName: string },
): ParsedScopes {
  const raw = [...new Set(scope.split(" ").filter((token) => token !== ""))];
  if (raw.length === 0) throw new EntraError(70011, { params: { scope } });
  const oidc: string[] = [];
  const byResource = new Map<string, { named?: string; resource?: ResourceApp; values: string[] }>();
  for (const token of raw) {
    if (OIDC_SCOPES.has(token)) {
      oidc.push(token);
      continue;
    }
    if (!SCOPE_TOKEN.test(token)) throw new EntraError(70011, { params: { scope: token } });
    const slash = token.lastIndexOf("/");
    const named = slash < 0 ? undefined : token.slice(0, slash);
    const value = slash < 0 ? token : token.slice(slash + 1);
    if (value === "" || named === "" || (named !== undefined && SCHEME_ONLY.test(named))) {
      throw new EntraError(70011, { params: { scope: token } });
    }
    const resource = findResourceApp(state, named ?? GRAPH_APP_ID);
    const key = resource?.servicePrincipal.id ?? `unknown:${named!.replace(/\/+$/, "").toLowerCase()}`;
    const entry = byResource.get(key) ?? { named, resource, values: [] };
    entry.named ??= named;
    entry.values.push(value);
    byResource.set(key, entry);
  }
  if (byResource.size > 1) throw new EntraError(28000, { params: { scope } });
  const [entry] = byResource.values();
  if (!entry) {
    const graph = findResourceApp(state, GRAPH_APP_ID)!;
    return { raw, oidc, target: { resource: graph, values: [], isDefault: false }, oidcOnly: true };
  }
  if (!entry.resource) {
    throw new EntraError(500011, { params: { resource: entry.named!, tenant: state.directory.tenantId } });
  }
  const { resource } = entry;
  const isDefault = entry.values.includes(DEFAULT_SCOPE);
  // `.default` is the static set; mixing it with dynamic scopes of the same resource is refused.
  if (isDefault && entry.values.length > 1) throw new EntraError(70011, { params: { scope } });
  if (!isDefault) {
    for (const value of entry.values) {
      const exposed = resource.scopes.find((s) => s.value === value);
      if (!exposed?.isEnabled) {
        throw new EntraError(650053, {
          params: { appName: options.clientName, scope: value, resource: entry.named ?? resource.appId },
        });
      }
    }
  }
  return {
    raw,
    oidc,
    target: { resource, named: entry.named, values: isDefault ? [] : entry.values, isDefault },
    oidcOnly: false,
  };
}

/**
 * The `scope` a token response echoes: Graph scopes by short name, other APIs' scopes by full name (as the
 * client named the resource), then the OIDC scopes requested.
 */
export function scopeEcho(parsed: ParsedScopes, granted: readonly string[]): string {
  const { resource, named } = parsed.target;
  const prefix = named ?? resource.application?.identifierUris[0] ?? resource.appId;
  const resourceScopes = resource.isGraph ? granted : granted.map((value) => `${prefix}/${value}`);
  return [...resourceScopes, ...parsed.oidc].join(" ");
}
