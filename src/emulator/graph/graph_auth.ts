/**
 * Access-token validation as Microsoft Graph does it for every request: a Bearer token signed by the
 * tenant's keys (Graph tokens carry a `nonce` header only Graph can verify), issued for Graph, in its
 * lifetime (no clock skew), by this tenant's v1 issuer. Failures are 401 `InvalidAuthenticationToken`
 * with Graph's `WWW-Authenticate` challenge.
 */
import type { JWTPayload } from "jose";
import { findServicePrincipalByAppId } from "../directory.ts";
import { type EmulatorState, v1Issuer } from "../state.ts";
import { checkTokenSignature } from "../tokens.ts";
import { GLOBAL_ADMIN_ROLE_ID, GRAPH_APP_ID } from "../well_known.ts";
import { GraphError } from "./graph_errors.ts";

/** The challenge Graph sends with every 401. */
export const GRAPH_WWW_AUTHENTICATE =
  `Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", client_id="${GRAPH_APP_ID}"`;

/** Who is calling Graph, as the validated token says. */
export interface GraphCaller {
  /** `delegated`: a user's token with `scp`; `app`: an app-only token with `roles`. */
  kind: "delegated" | "app";
  /** Delegated scopes (`scp`) or application roles (`roles`), lower-cased: Graph compares them case-insensitively. */
  permissions: ReadonlySet<string>;
  /** The signed-in user's object ID (`oid`) for delegated tokens. */
  userId?: string;
  /** The signed-in user holds the Global Administrator role (`wids`). */
  isAdmin: boolean;
  claims: JWTPayload & Record<string, unknown>;
}

/** Validates the request's access token as Graph would, or throws the 401 Graph answers with. */
export async function authenticateGraphRequest(request: Request, state: EmulatorState): Promise<GraphCaller> {
  const authorization = request.headers.get("authorization") ?? "";
  const match = /^Bearer\s+(\S*)\s*$/i.exec(authorization);
  const token = match?.[1] ?? "";
  if (token === "") throw unauthorized("Access token is empty.");
  const checked = await checkTokenSignature(state, token, { acceptNonce: true });
  if (!checked.ok) {
    // Graph reports a token that is not a JWT at all as a parse failure, and a bad signature generically.
    throw unauthorized(
      checked.reason === "malformed"
        ? "CompactToken parsing failed with error code: 80049217"
        : "Access token validation failure.",
    );
  }
  const { claims } = checked;
  if (!isGraphAudience(state, claims.aud)) {
    throw unauthorized("Access token validation failure. Invalid audience.");
  }
  const now = Date.now() / 1000;
  if (
    typeof claims.exp !== "number" || now >= claims.exp ||
    (typeof claims.nbf === "number" && now < claims.nbf)
  ) {
    throw unauthorized("Lifetime validation failed, the token is expired.");
  }
  if (claims.iss !== v1Issuer(state) || claims.tid !== state.directory.tenantId) {
    throw unauthorized("Access token validation failure. Invalid issuer.");
  }
  const delegated = typeof claims.scp === "string";
  const granted = delegated ? (claims.scp as string).split(" ") : stringArray(claims.roles);
  return {
    kind: delegated ? "delegated" : "app",
    permissions: new Set(granted.filter((p) => p !== "").map((p) => p.toLowerCase())),
    userId: delegated && typeof claims.oid === "string" ? claims.oid : undefined,
    isAdmin: delegated && stringArray(claims.wids).includes(GLOBAL_ADMIN_ROLE_ID),
    claims,
  };
}

/** A 401 `InvalidAuthenticationToken` with Graph's challenge header. */
export function unauthorized(message: string): GraphError {
  return new GraphError(401, "InvalidAuthenticationToken", message, {
    headers: { "www-authenticate": GRAPH_WWW_AUTHENTICATE },
  });
}

/**
 * Graph accepts tokens whose `aud` is one of its service principal names (with or without a trailing
 * slash), and, in the emulator, its own origin: clients derive the Graph scope from the Graph base URL.
 */
function isGraphAudience(state: EmulatorState, aud: unknown): boolean {
  if (typeof aud !== "string") return false;
  const wanted = aud.replace(/\/+$/, "").toLowerCase();
  const graph = findServicePrincipalByAppId(state.directory, GRAPH_APP_ID);
  const names = [...(graph?.servicePrincipalNames ?? [GRAPH_APP_ID]), state.baseUrl];
  return names.some((name) => name.replace(/\/+$/, "").toLowerCase() === wanted);
}

function stringArray(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}
