/**
 * Graph tokens for callers, cached in memory keyed by SHA-256 of the caller's assertion and the scope
 * (never the raw token), reused until five minutes before expiry (MSAL's `tokenRenewalOffsetSeconds`),
 * bounded with least-recently-used eviction, and shared by concurrent calls: N tool calls with one
 * assertion cost one OBO exchange.
 */
import { ExpiringLruCache, sha256Base64Url } from "../cache/expiring_lru.ts";
import { inSpan, oboCacheLookups } from "../telemetry/mod.ts";
import type { FailureMemory } from "./failure_memory.ts";
import type { OboResult } from "./obo_client.ts";

/** MSAL renews a cached token when it has less than this left. */
export const RENEWAL_OFFSET_MS = 5 * 60 * 1000;

/** Options for {@linkcode GraphTokenProvider}. */
export interface GraphTokenProviderOptions {
  /** The scope tokens are requested for (part of the cache key). */
  scope: string;
  /** Performs the exchange (normally `exchangeOnBehalfOf`). */
  exchange: (assertion: string) => Promise<OboResult>;
  /** Maximum cached tokens. */
  maxEntries: number;
  /** Called with `hit`/`miss`/`shared`/`remembered_failure` for every request, for logs and metrics. */
  onLookup?: (outcome: "hit" | "miss" | "shared" | "remembered_failure") => void;
  /** App-wide failures (consent, credential) remembered briefly instead of retried on every call. */
  failures?: FailureMemory;
}

/** A cached, deduplicating source of Graph tokens. */
export class GraphTokenProvider {
  readonly #options: GraphTokenProviderOptions;
  readonly #cache: ExpiringLruCache<string>;
  readonly #inflight = new Map<string, Promise<string>>();

  constructor(options: GraphTokenProviderOptions) {
    this.#options = options;
    this.#cache = new ExpiringLruCache(options.maxEntries);
  }

  /** Number of cached tokens. */
  get size(): number {
    return this.#cache.size;
  }

  /** A Graph token for the caller whose access token is `assertion`. */
  getToken(assertion: string): Promise<string> {
    return inSpan("obo.get_token", {}, async (span) => {
      const outcome = (value: "hit" | "miss" | "shared" | "remembered_failure") => {
        span.setAttribute("obo.cache", value);
        oboCacheLookups.add(1, { outcome: value });
        this.#options.onLookup?.(value);
      };
      const key = this.#key(assertion);
      const cached = this.#cache.get(key);
      if (cached) {
        outcome("hit");
        return cached;
      }
      const pending = this.#inflight.get(key);
      if (pending) {
        outcome("shared");
        return await pending;
      }
      const remembered = this.#options.failures?.recall();
      if (remembered) {
        outcome("remembered_failure");
        throw remembered;
      }
      outcome("miss");
      const exchange = this.#exchange(key, assertion);
      this.#inflight.set(key, exchange);
      try {
        return await exchange;
      } finally {
        this.#inflight.delete(key);
      }
    });
  }

  /** Forgets the cached token for `assertion` (e.g. after Graph rejected it with 401). */
  evict(assertion: string): void {
    this.#cache.delete(this.#key(assertion));
  }

  #key(assertion: string): string {
    return sha256Base64Url(`${this.#options.scope}\n${assertion}`);
  }

  async #exchange(key: string, assertion: string): Promise<string> {
    const requestedAt = Date.now();
    let result: OboResult;
    try {
      result = await this.#options.exchange(assertion);
    } catch (error) {
      this.#options.failures?.remember(error);
      throw error;
    }
    this.#options.failures?.clear();
    const reusableUntil = requestedAt + result.expiresIn * 1000 - RENEWAL_OFFSET_MS;
    if (reusableUntil > Date.now()) this.#cache.set(key, result.accessToken, reusableUntil);
    return result.accessToken;
  }
}
