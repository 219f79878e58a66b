/**
 * Entra's AppId URI policy (enforced for apps created since October 2021): `api://` URIs must name the
 * app or the tenant, `https://` URIs must be on a verified domain; and no two apps share a URI.
 */
import type { ApplicationRecord, Directory } from "../directory.ts";
import { badRequest } from "./directory_errors.ts";
import { GraphError } from "./graph_errors.ts";
import { verifiedDomainNames } from "./organization.ts";

/**
 * Throws Graph's 400 unless every URI has an accepted form for `app`:
 * `api://{appId}`, `api://{tenantId}/{string}`, `api://{string}/{appId}`,
 * `https://{initial}.onmicrosoft.com/{string}`, `https://{verified}/{string}`, `https://{sub}.{verified}[/{string}]`.
 */
export function checkIdentifierUris(app: ApplicationRecord, directory: Directory): void {
  const seen = new Set<string>();
  for (const uri of app.identifierUris) {
    if (!isAcceptedForm(uri, app.appId, directory)) {
      throw new GraphError(
        400,
        "HostNameNotOnVerifiedDomain",
        `Values of identifierUris property must use a verified domain of the organization or its subdomain: '${uri}'`,
      );
    }
    const key = comparable(uri);
    const taken = seen.has(key) ||
      directory.applications.some((other) =>
        other.id !== app.id && other.identifierUris.some((u) => comparable(u) === key)
      );
    if (taken) {
      throw badRequest("Another object with the same value for property identifierUris already exists.", {
        details: [{
          code: "ObjectConflict",
          message: "Another object with the same value for property identifierUris already exists.",
          target: "identifierUris",
        }],
      });
    }
    seen.add(key);
  }
}

function comparable(uri: string): string {
  return uri.replace(/\/+$/, "").toLowerCase();
}

function isAcceptedForm(uri: string, appId: string, directory: Directory): boolean {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return false;
  }
  if (url.search || url.hash || uri.includes("*") || url.username || url.password || url.port) return false;
  const host = url.hostname.toLowerCase();
  const path = url.pathname.replace(/\/+$/, "");
  if (url.protocol === "api:") {
    if (host === appId.toLowerCase()) return path === "";
    if (host === directory.tenantId.toLowerCase()) return path.length > 1;
    return path.toLowerCase() === `/${appId.toLowerCase()}`;
  }
  if (url.protocol !== "https:") return false;
  const [initial, ...custom] = verifiedDomainNames(directory).map((d) => d.toLowerCase());
  if (host === initial) return path.length > 1;
  return custom.some((domain) => (host === domain && path.length > 1) || host.endsWith(`.${domain}`));
}
