/**
 * OpenID Connect discovery (v2.0 and v1.0 documents) and the JWKS endpoints, with Entra's field sets.
 * Tenant-specific documents carry the tenant GUID even when asked by domain; `common`/`organizations`
 * documents carry the literal `{tenantid}` issuer template. RFC 8414 URLs are not served (404), as on Entra.
 */
import { type Route, route } from "../router.ts";
import { publishedKeys } from "../signing_keys.ts";
import { type EmulatorState, v1Issuer } from "../state.ts";
import { resolveTenant } from "./tenant.ts";

const DISCOVERY_HEADERS = {
  "content-type": "application/json; charset=utf-8",
  "cache-control": "max-age=86400, private",
  "access-control-allow-origin": "*",
};

/** The v2.0 OpenID Provider metadata for a tenant segment. */
export function openIdConfigurationV2(state: EmulatorState, tenantSegment: string): Record<string, unknown> {
  const kind = resolveTenant(state, tenantSegment);
  const tenant = kind === "tenant" ? state.directory.tenantId : tenantSegment.toLowerCase();
  const issuerTenant = kind === "tenant" ? state.directory.tenantId : "{tenantid}";
  const base = `${state.baseUrl}/${tenant}`;
  return {
    token_endpoint: `${base}/oauth2/v2.0/token`,
    token_endpoint_auth_methods_supported: ["client_secret_post", "private_key_jwt", "client_secret_basic"],
    jwks_uri: `${base}/discovery/v2.0/keys`,
    response_modes_supported: ["query", "fragment", "form_post"],
    subject_types_supported: ["pairwise"],
    id_token_signing_alg_values_supported: ["RS256"],
    response_types_supported: ["code", "id_token", "code id_token", "id_token token"],
    scopes_supported: ["openid", "profile", "email", "offline_access"],
    issuer: `${state.issuerBaseUrl}/${issuerTenant}/v2.0`,
    request_uri_parameter_supported: false,
    userinfo_endpoint: `${state.baseUrl}/oidc/userinfo`,
    authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
    device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
    http_logout_supported: true,
    frontchannel_logout_supported: true,
    end_session_endpoint: `${base}/oauth2/v2.0/logout`,
    claims_supported: [
      "sub",
      "iss",
      "cloud_instance_name",
      "cloud_instance_host_name",
      "cloud_graph_host_name",
      "msgraph_host",
      "aud",
      "exp",
      "iat",
      "auth_time",
      "acr",
      "nonce",
      "preferred_username",
      "name",
      "tid",
      "ver",
      "at_hash",
      "c_hash",
      "email",
    ],
    kerberos_endpoint: `${base}/kerberos`,
    tenant_region_scope: "WW",
    cloud_instance_name: "microsoftonline.com",
    cloud_graph_host_name: "graph.windows.net",
    msgraph_host: new URL(state.baseUrl).host,
    rbac_url: "https://pas.windows.net",
  };
}

/** The v1.0 OpenID Provider metadata (issuer `https://sts.windows.net/{tid}/`). */
export function openIdConfigurationV1(state: EmulatorState, tenantSegment: string): Record<string, unknown> {
  const kind = resolveTenant(state, tenantSegment);
  const tenant = kind === "tenant" ? state.directory.tenantId : tenantSegment.toLowerCase();
  const base = `${state.baseUrl}/${tenant}`;
  return {
    token_endpoint: `${base}/oauth2/token`,
    token_endpoint_auth_methods_supported: ["client_secret_post", "private_key_jwt", "client_secret_basic"],
    jwks_uri: `${base}/discovery/keys`,
    response_modes_supported: ["query", "fragment", "form_post"],
    subject_types_supported: ["pairwise"],
    id_token_signing_alg_values_supported: ["RS256"],
    response_types_supported: ["code", "id_token", "code id_token", "token id_token", "token"],
    scopes_supported: ["openid"],
    issuer: kind === "tenant" ? v1Issuer(state) : "https://sts.windows.net/{tenantid}/",
    microsoft_multi_refresh_token: true,
    authorization_endpoint: `${base}/oauth2/authorize`,
    device_authorization_endpoint: `${base}/oauth2/devicecode`,
    http_logout_supported: true,
    frontchannel_logout_supported: true,
    end_session_endpoint: `${base}/oauth2/logout`,
    claims_supported: [
      "sub",
      "iss",
      "cloud_instance_name",
      "cloud_instance_host_name",
      "cloud_graph_host_name",
      "msgraph_host",
      "aud",
      "exp",
      "iat",
      "auth_time",
      "acr",
      "amr",
      "nonce",
      "email",
      "given_name",
      "family_name",
      "nickname",
    ],
    check_session_iframe: `${base}/oauth2/checksession`,
    userinfo_endpoint: `${base}/openid/userinfo`,
    kerberos_endpoint: `${base}/kerberos`,
    tenant_region_scope: "WW",
    cloud_instance_name: "microsoftonline.com",
    cloud_graph_host_name: "graph.windows.net",
    msgraph_host: new URL(state.baseUrl).host,
    rbac_url: "https://pas.windows.net",
  };
}

/** The JWKS document: every published key with Entra's fields and the `{tenantid}` issuer template. */
export function jwks(state: EmulatorState): { keys: Array<Record<string, unknown>> } {
  return {
    keys: publishedKeys(state.keys).map((k) => ({
      ...k.jwk,
      cloud_instance_name: "microsoftonline.com",
      issuer: `${state.issuerBaseUrl}/{tenantid}/v2.0`,
    })),
  };
}

/** Discovery and key routes. */
export function discoveryRoutes(): Route[] {
  return [
    route("GET", "/:tenant/v2.0/.well-known/openid-configuration", "entra", (_request, { state, params }) => {
      return new Response(JSON.stringify(openIdConfigurationV2(state, params.tenant!)), {
        headers: DISCOVERY_HEADERS,
      });
    }, "oidc:v2"),
    route("GET", "/:tenant/.well-known/openid-configuration", "entra", (_request, { state, params }) => {
      return new Response(JSON.stringify(openIdConfigurationV1(state, params.tenant!)), {
        headers: DISCOVERY_HEADERS,
      });
    }, "oidc:v1"),
    route("GET", "/:tenant/discovery/{v2.0/}?keys", "entra", (_request, { state, params }) => {
      resolveTenant(state, params.tenant);
      return new Response(JSON.stringify(jwks(state)), { headers: DISCOVERY_HEADERS });
    }, "keys"),
  ];
}
