/**
 * DNS-rebinding protection as the MCP transport spec asks: browsers send `Origin`, so a present Origin must
 * be allowed explicitly (server-to-server callers such as Obot send none); and a server listening on
 * loopback only answers to its own host name, which a rebound DNS name cannot forge.
 */
import type { ServerConfig } from "../config/mod.ts";

const LOOPBACK_NAMES = new Set(["localhost", "127.0.0.1", "[::1]", "::1"]);

/** Whether the server listens on a loopback interface only. */
export function listensOnLoopback(config: ServerConfig): boolean {
  return LOOPBACK_NAMES.has(config.host.toLowerCase());
}

/** Whether the request's `Origin` (if any) is acceptable. */
export function originAllowed(request: Request, config: ServerConfig): boolean {
  const origin = request.headers.get("origin");
  return origin === null || config.allowedOrigins.includes(origin);
}

/** Whether the request's `Host` is acceptable (always, unless the server listens on loopback). */
export function hostAllowed(request: Request, config: ServerConfig): boolean {
  if (!listensOnLoopback(config)) return true;
  const host = (request.headers.get("host") ?? new URL(request.url).host).toLowerCase();
  const base = new URL(config.baseUrl);
  const [name, port] = splitHost(host);
  const basePort = base.port || (base.protocol === "https:" ? "443" : "80");
  const sameName = name === base.hostname || (LOOPBACK_NAMES.has(name) && LOOPBACK_NAMES.has(base.hostname));
  if (sameName && (port ?? basePort) === basePort) return true;
  return config.allowedHosts.some((allowed) => allowed === host || allowed === name);
}

function splitHost(host: string): [name: string, port: string | undefined] {
  const match = host.match(/^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/);
  return match ? [match[1], match[2]] : [host, undefined];
}
