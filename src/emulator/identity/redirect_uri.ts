/** Matching a requested `redirect_uri` against the client's registered ones. */
import type { ClientApp, RegisteredRedirectUri } from "./client_app.ts";

const LOOPBACK_HOSTS: ReadonlySet<string> = new Set(["localhost", "127.0.0.1", "[::1]"]);

/**
 * The registration a redirect URI matches: exactly, or, for `http` loopback URIs, on any port with the same
 * host, path and query (RFC 8252 §7.3; Entra ignores the port of loopback redirect URIs).
 */
export function matchRedirectUri(client: ClientApp, requested: string): RegisteredRedirectUri | undefined {
  return client.redirectUris.find((r) => r.uri === requested) ??
    client.redirectUris.find((r) => loopbackMatch(r.uri, requested));
}

function loopbackMatch(registered: string, requested: string): boolean {
  let r: URL;
  let q: URL;
  try {
    r = new URL(registered);
    q = new URL(requested);
  } catch {
    return false;
  }
  return r.protocol === "http:" && q.protocol === "http:" &&
    LOOPBACK_HOSTS.has(r.hostname) && r.hostname === q.hostname &&
    r.pathname === q.pathname && r.search === q.search &&
    q.hash === "" && q.username === "" && q.password === "";
}
