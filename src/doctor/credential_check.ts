/**
 * `doctor`: does the server's credential work? A `client_credentials` request for Graph's `/.default` is the
 * cheapest proof that Entra accepts the secret, certificate or federated token, and changes nothing.
 */
import { graphScope, type ServerConfig } from "../config/mod.ts";
import { createClientCredential } from "../obo/client_credential.ts";
import { fetchWithRetry } from "../upstream/fetch_with_retry.ts";
import type { CheckResult } from "./check.ts";

const TITLE = "server credential";

/** What to do about an AADSTS error of the token endpoint. */
function fixFor(aadsts: number | undefined, config: ServerConfig): string {
  const rotate = "run `entra-obo-mcp setup --rotate-secrets` (it writes the new secret to .env)";
  switch (aadsts) {
    case 7000215:
      return `AZURE_CLIENT_SECRET is not a secret of app ${config.clientId}: ${rotate}, or put the right one in .env`;
    case 7000222:
      return `the secret has expired: ${rotate}`;
    case 700016:
      return `app ${config.clientId} does not exist in tenant ${config.tenantId}: check AZURE_CLIENT_ID and ` +
        "AZURE_TENANT_ID, or run `entra-obo-mcp setup`";
    case 7000229:
      return "the Server app has no service principal: run `entra-obo-mcp setup`";
    case 90002:
      return `tenant ${config.tenantId} was not found: check AZURE_TENANT_ID`;
    default:
      return `look the error up at https://login.microsoftonline.com/error?code=${
        aadsts ?? ""
      } and check the ` +
        `${config.credential.kind} credential`;
  }
}

/** Requests an app-only token for Graph with the configured credential. */
export async function checkCredential(config: ServerConfig): Promise<CheckResult> {
  const tokenEndpoint = `${config.authorityHost}/${config.tenantId}/oauth2/v2.0/token`;
  const scope = graphScope(config);
  let response: Response;
  try {
    const credential = await createClientCredential(config.credential, { clientId: config.clientId });
    response = await fetchWithRetry(tokenEndpoint, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
      body: new URLSearchParams({
        grant_type: "client_credentials",
        client_id: config.clientId,
        scope,
        ...await credential.formParameters(tokenEndpoint),
      }),
    }, { service: "Microsoft Entra ID", timeoutMs: config.upstreamTimeoutMs });
  } catch (error) {
    return {
      id: "credential",
      title: TITLE,
      status: "fail",
      detail: (error as Error).message,
      fix:
        `check the ${config.credential.kind} credential's file and that ${config.authorityHost} is reachable`,
    };
  }
  const body = await response.json().catch(() => ({})) as Record<string, unknown>;
  if (response.ok && typeof body.access_token === "string") {
    return {
      id: "credential",
      title: TITLE,
      status: "pass",
      detail: `Entra ID accepted the ${config.credential.kind} (client_credentials token for ${scope})`,
    };
  }
  const description = typeof body.error_description === "string" ? body.error_description.split("\n")[0] : "";
  const codes = Array.isArray(body.error_codes) ? body.error_codes : [];
  const aadsts = typeof codes[0] === "number" ? codes[0] : undefined;
  return {
    id: "credential",
    title: TITLE,
    status: "fail",
    detail: `${body.error ?? `HTTP ${response.status}`}: ${description}`,
    fix: fixFor(aadsts, config),
  };
}
