/**
 * Signing the administrator in for Graph: a device code with Microsoft Graph Command Line Tools (no az CLI
 * needed), or the az CLI's existing sign-in (`--use-az`). The tenant is the token's `tid`.
 */
import { decodeJwt } from "jose";
import { azGraphToken } from "./az_cli.ts";
import { signInWithDeviceCode } from "./device_code.ts";
import { SignInError } from "./errors.ts";
import { GRAPH_CLI_CLIENT_ID } from "./registration_spec.ts";

/** Options for {@linkcode signIn}. */
export interface SignInOptions {
  /** Reuse the az CLI's sign-in instead of a device code. */
  useAz: boolean;
  /** `--tenant`: a tenant ID or domain; default `organizations` (any work or school account). */
  tenant?: string;
  authorityHost: string;
  /** Scopes for the device code sign-in. */
  scope: string;
  /** Receives the device code instructions. */
  print: (line: string) => void;
}

/** A signed-in administrator. */
export interface SignedIn {
  /** Delegated Graph access token; never printed. */
  token: string;
  /** The directory (tenant) ID the token is for. */
  tenantId: string;
  /** The signed-in user, for progress output. */
  user?: string;
}

const MULTI_TENANT = new Set(["organizations", "common"]);

/** Signs in and resolves with a Graph token and its tenant. */
export async function signIn(options: SignInOptions): Promise<SignedIn> {
  const tenant = options.tenant ?? "organizations";
  const token = options.useAz ? await azGraphToken({ tenant: options.tenant }) : await signInWithDeviceCode({
    authorityHost: options.authorityHost,
    tenant,
    clientId: GRAPH_CLI_CLIENT_ID,
    scope: options.scope,
    print: options.print,
  });
  let claims: Record<string, unknown> = {};
  try {
    claims = decodeJwt(token);
  } catch {
    // Not a JWT: fall back to --tenant below.
  }
  const tid = typeof claims.tid === "string" ? claims.tid : undefined;
  const tenantId = tid ?? (MULTI_TENANT.has(tenant.toLowerCase()) ? undefined : tenant);
  if (!tenantId) {
    throw new SignInError("no_tenant", "The token names no tenant (tid); pass --tenant with your tenant ID.");
  }
  const user = [claims.upn, claims.unique_name, claims.preferred_username].find((v) => typeof v === "string");
  return { token, tenantId: tenantId.toLowerCase(), user: user as string | undefined };
}
