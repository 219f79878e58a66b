/** Housekeeping for issued codes: long-expired entries are dropped so a long-running emulator stays small. */

/**
 * How long an entry is kept after it expired, so a late replay still gets "expired" or "already redeemed"
 * rather than "unknown".
 */
export const EXPIRED_GRANT_RETENTION_MS = 60 * 60 * 1000;

/** Deletes entries that expired more than {@linkcode EXPIRED_GRANT_RETENTION_MS} ago. */
export function pruneExpiredGrants(
  grants: Map<string, { expiresAtMs: number }>,
  options: { nowMs?: number } = {},
): void {
  const cutoff = (options.nowMs ?? Date.now()) - EXPIRED_GRANT_RETENTION_MS;
  for (const [key, grant] of grants) {
    if (grant.expiresAtMs < cutoff) grants.delete(key);
  }
}
