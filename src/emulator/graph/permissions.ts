/**
 * Which Graph permissions each operation needs, and the 403 Graph answers with when they are missing.
 * Directory writes additionally need an administrator when the token is delegated: a permission in `scp`
 * only lets the app act within what the signed-in user may do.
 */
import { GraphError } from "./graph_errors.ts";
import type { GraphCaller } from "./graph_auth.ts";

/** Permission sets of the emulated operations (any one of the set suffices). */
export const PERMISSIONS = {
  userReadSelf: ["User.Read", "User.ReadWrite", "User.Read.All", "User.ReadBasic.All", "Directory.Read.All"],
  userReadOthers: ["User.Read.All", "User.ReadWrite.All", "User.ReadBasic.All", "Directory.Read.All"],
  mailRead: ["Mail.Read", "Mail.ReadWrite", "Mail.ReadBasic"],
  organizationRead: ["User.Read", "Organization.Read.All", "Directory.Read.All", "Directory.ReadWrite.All"],
  applicationRead: [
    "Application.Read.All",
    "Application.ReadWrite.All",
    "Directory.Read.All",
    "Directory.ReadWrite.All",
    "Directory.AccessAsUser.All",
  ],
  applicationWrite: ["Application.ReadWrite.All", "Directory.ReadWrite.All", "Directory.AccessAsUser.All"],
  grantRead: [
    "DelegatedPermissionGrant.ReadWrite.All",
    "Directory.Read.All",
    "Directory.ReadWrite.All",
    "Directory.AccessAsUser.All",
  ],
  grantWrite: ["DelegatedPermissionGrant.ReadWrite.All"],
} as const satisfies Record<string, readonly string[]>;

/** Options for {@linkcode requirePermission}. */
export interface RequirePermissionOptions {
  /** Delegated callers must also be administrators (directory writes). */
  adminOnly?: boolean;
  /** Which workload's 403 to answer with: the directory's (default) or Exchange's (mail). */
  workload?: "directory" | "mail";
}

/** Throws Graph's 403 unless the caller holds one of `anyOf` (and is an admin when `adminOnly`). */
export function requirePermission(
  caller: GraphCaller,
  anyOf: readonly string[],
  options: RequirePermissionOptions = {},
): void {
  const adminOk = !options.adminOnly || caller.kind === "app" || caller.isAdmin;
  if (hasPermission(caller, anyOf) && adminOk) return;
  throw options.workload === "mail"
    ? new GraphError(403, "ErrorAccessDenied", "Access is denied. Check credentials and try again.")
    : new GraphError(
      403,
      "Authorization_RequestDenied",
      "Insufficient privileges to complete the operation.",
    );
}

/** Whether the caller holds one of `anyOf`. */
export function hasPermission(caller: GraphCaller, anyOf: readonly string[]): boolean {
  return anyOf.some((permission) => caller.permissions.has(permission.toLowerCase()));
}

/** Throws Graph's 400 for `/me` paths called with an app-only token, which has no signed-in user. */
export function requireSignedInUser(caller: GraphCaller): string {
  if (caller.kind !== "delegated" || !caller.userId) {
    throw new GraphError(400, "BadRequest", "/me request is only valid with delegated authentication flow.");
  }
  return caller.userId;
}
