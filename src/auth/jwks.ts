/**
 * The tenant's signing keys (JWKS), cached by `kid`. Following Entra's signing-key-rollover guidance: an
 * unknown `kid` triggers a refetch, but at most once per cooldown window (so a flood of forged `kid`s cannot
 * hammer Entra); keys are also refreshed in the background; the last good set survives a failed fetch.
 */
import { importJWK, type JWK } from "jose";
import type { Logger } from "../log/logger.ts";
import { AuthUnavailableError } from "./errors.ts";
import type { OidcMetadataSource } from "./oidc_metadata.ts";

/** A usable signing key. */
export interface SigningKeyEntry {
  key: CryptoKey;
  /** Entra's per-key issuer (`https://login.microsoftonline.com/{tenantid}/v2.0`), if published. */
  issuer?: string;
}

/** Options for {@linkcode JwksSource}. */
export interface JwksOptions {
  logger: Logger;
  /** Minimum time between refetches caused by unknown `kid`s (`JWKS_COOLDOWN_SECONDS`). */
  cooldownMs: number;
  /** Fetch timeout. */
  timeoutMs: number;
  /** Background refresh period (default 1 h; Entra recommends hourly to daily). */
  refreshIntervalMs?: number;
}

/** Signing keys of the tenant. */
export class JwksSource {
  readonly #metadata: OidcMetadataSource;
  readonly #options: JwksOptions;
  #keys = new Map<string, SigningKeyEntry>();
  #lastAttemptMs = Number.NEGATIVE_INFINITY;
  #loadedAtMs = 0;
  #inflight?: Promise<void>;
  #timer?: ReturnType<typeof setInterval>;
  #fetchCount = 0;

  constructor(metadata: OidcMetadataSource, options: JwksOptions) {
    this.#metadata = metadata;
    this.#options = options;
  }

  /** Whether a key set has been loaded. */
  get loaded(): boolean {
    return this.#loadedAtMs > 0;
  }

  /** How many times the JWKS was fetched (for diagnostics and tests). */
  get fetchCount(): number {
    return this.#fetchCount;
  }

  /**
   * The key for `kid`. An unknown `kid` refetches the set unless the last fetch is younger than the
   * cooldown; returns `undefined` when the key still is not there. Throws {@linkcode AuthUnavailableError}
   * when no key set could ever be loaded.
   */
  async getKey(kid: string): Promise<SigningKeyEntry | undefined> {
    const known = this.#keys.get(kid);
    if (known) return known;
    const sinceLastAttempt = Date.now() - this.#lastAttemptMs;
    // Before any key set loaded, retry after a second; afterwards, unknown kids wait for the cooldown.
    const wait = this.loaded ? this.#options.cooldownMs : 1000;
    if (this.#inflight || sinceLastAttempt >= wait) await this.refresh();
    else if (!this.loaded) throw new AuthUnavailableError("signing keys are unavailable (retrying shortly)");
    return this.#keys.get(kid);
  }

  /** Fetches the key set now (concurrent callers share one fetch). */
  refresh(): Promise<void> {
    this.#inflight ??= this.#fetch().finally(() => this.#inflight = undefined);
    return this.#inflight;
  }

  /** Starts hourly background refreshes (the timer does not keep the process alive). */
  startBackgroundRefresh(): void {
    if (this.#timer !== undefined) return;
    const timer = setInterval(() => {
      this.refresh().catch(() => {}); // failures are logged; the last good set stays
    }, this.#options.refreshIntervalMs ?? 3_600_000);
    Deno.unrefTimer(timer);
    this.#timer = timer;
  }

  /** Stops background refreshes. */
  stop(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  async #fetch(): Promise<void> {
    this.#lastAttemptMs = Date.now();
    this.#fetchCount++;
    try {
      const { jwksUri } = await this.#metadata.get();
      const response = await fetch(jwksUri, {
        headers: { accept: "application/json" },
        signal: AbortSignal.timeout(this.#options.timeoutMs),
      });
      if (!response.ok) {
        await response.body?.cancel();
        throw new Error(`GET ${jwksUri} answered HTTP ${response.status}`);
      }
      const body = await response.json() as { keys?: unknown };
      if (!Array.isArray(body?.keys)) throw new Error(`${jwksUri} has no "keys" array`);
      const keys = new Map<string, SigningKeyEntry>();
      for (const jwk of body.keys as Array<JWK & { issuer?: unknown }>) {
        // Only RSA signing keys are used by Entra for tokens; anything else is ignored, not trusted.
        if (
          jwk?.kty !== "RSA" || (jwk.use !== undefined && jwk.use !== "sig") || typeof jwk.kid !== "string"
        ) continue;
        if (typeof jwk.n !== "string" || typeof jwk.e !== "string") continue;
        try {
          const key = await importJWK({ kty: "RSA", n: jwk.n, e: jwk.e }, "RS256") as CryptoKey;
          keys.set(jwk.kid, { key, issuer: typeof jwk.issuer === "string" ? jwk.issuer : undefined });
        } catch {
          this.#options.logger.warn("ignored an unusable signing key", { kid: jwk.kid });
        }
      }
      if (keys.size === 0) throw new Error(`${jwksUri} has no usable RSA signing keys`);
      this.#keys = keys;
      this.#loadedAtMs = Date.now();
      this.#options.logger.debug("signing keys loaded", { keys: keys.size });
    } catch (error) {
      this.#options.logger.warn("signing key fetch failed", {
        error: (error as Error).message,
        kept_previous_keys: this.loaded,
      });
      if (!this.loaded) {
        throw new AuthUnavailableError(`signing keys are unavailable: ${(error as Error).message}`, {
          cause: error,
        });
      }
    }
  }
}
