/**
 * Finding directory objects the way Graph sees them. Graph is eventually consistent: an object created a
 * moment ago may not be readable yet (`replicatedAtMs`), though writes that enforce uniqueness see it.
 */
import type { ApplicationRecord, Directory, ServicePrincipalRecord } from "../directory.ts";
import { resourceNotFound } from "./directory_errors.ts";

/** Whether a new object has replicated, i.e. Graph reads can see it. */
export function isReplicated(record: { replicatedAtMs: number }): boolean {
  return Date.now() >= record.replicatedAtMs;
}

/** The applications Graph reads can see. */
export function visibleApplications(directory: Directory): ApplicationRecord[] {
  return directory.applications.filter(isReplicated);
}

/** The service principals Graph reads can see. */
export function visibleServicePrincipals(directory: Directory): ServicePrincipalRecord[] {
  return directory.servicePrincipals.filter(isReplicated);
}

/**
 * The application a path segment names: an object ID (`/applications/{id}`) or the alternate key
 * `appId='{appId}'` (`/applications(appId='{appId}')`); 404 when absent or not replicated yet.
 */
export function requireApplication(
  directory: Directory,
  key: { id?: string; alternateKey?: string },
): ApplicationRecord {
  const { field, value } = resolveKey(key);
  const app = directory.applications.find((a) => a[field].toLowerCase() === value.toLowerCase());
  if (!app || !isReplicated(app)) throw resourceNotFound(value);
  return app;
}

/** The service principal a path segment names (object ID or `appId='{appId}'`), or 404. */
export function requireServicePrincipal(
  directory: Directory,
  key: { id?: string; alternateKey?: string },
): ServicePrincipalRecord {
  const { field, value } = resolveKey(key);
  const sp = directory.servicePrincipals.find((s) => s[field].toLowerCase() === value.toLowerCase());
  if (!sp || !isReplicated(sp)) throw resourceNotFound(value);
  return sp;
}

function resolveKey(key: { id?: string; alternateKey?: string }): { field: "id" | "appId"; value: string } {
  if (key.alternateKey === undefined) return { field: "id", value: decodeURIComponent(key.id ?? "") };
  const match = /^appId='([^']*)'$/i.exec(decodeURIComponent(key.alternateKey));
  if (!match) throw resourceNotFound(decodeURIComponent(key.alternateKey));
  return { field: "appId", value: match[1] };
}
