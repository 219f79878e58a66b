/** Resolving the `{tenant}` path segment the way Entra does. */
import type { EmulatorState } from "../state.ts";
import { EntraError } from "./entra_errors.ts";

/** `tenant`: this directory (by GUID or domain); `multi`: `common` or `organizations`. */
export type TenantKind = "tenant" | "multi";

/** Resolves a tenant segment or throws AADSTS90002 (tenant not found), as Entra answers. */
export function resolveTenant(state: EmulatorState, segment: string | undefined): TenantKind {
  const wanted = (segment ?? "").toLowerCase();
  const { tenantId, domain } = state.directory;
  if (wanted === tenantId || wanted === domain || wanted === "contoso.com") return "tenant";
  if (wanted === "common" || wanted === "organizations") return "multi";
  throw new EntraError(90002, { params: { tenant: segment ?? "" } });
}
