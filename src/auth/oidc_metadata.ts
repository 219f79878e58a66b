/**
 * The tenant's OpenID Connect metadata, fetched lazily (the server must start even when Entra is
 * unreachable) and cached. Issuers always come from the discovery documents, never from string templates:
 * sovereign clouds issue from hosts other than their authority host (Azure China).
 */
import type { ServerConfig } from "../config/mod.ts";
import type { Logger } from "../log/logger.ts";
import { AuthUnavailableError } from "./errors.ts";

/** What token verification needs from discovery. */
export interface TenantMetadata {
  /** The tenant GUID (from the v2 issuer, also when configured by domain name). */
  tenantId: string;
  /** v2.0 issuer, e.g. `https://login.microsoftonline.com/{tid}/v2.0`. */
  issuerV2: string;
  jwksUri: string;
}

/** Options for {@linkcode OidcMetadataSource}. */
export interface OidcMetadataOptions {
  logger: Logger;
  /** How long a fetched document is used before it is fetched again (default 24 h, as Entra's Cache-Control). */
  maxAgeMs?: number;
  /** First delay before retrying a failed fetch; doubles up to `maxRetryDelayMs`. */
  retryDelayMs?: number;
  maxRetryDelayMs?: number;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface Slot<T> {
  value?: T;
  fetchedAtMs: number;
  inflight?: Promise<T>;
  failures: number;
  nextAttemptMs: number;
  lastError?: Error;
}

/** Lazily fetched, cached v2.0 and v1.0 discovery documents of the configured tenant. */
export class OidcMetadataSource {
  readonly #config: ServerConfig;
  readonly #options: Required<OidcMetadataOptions>;
  readonly #v2: Slot<TenantMetadata> = { fetchedAtMs: 0, failures: 0, nextAttemptMs: 0 };
  readonly #v1: Slot<string> = { fetchedAtMs: 0, failures: 0, nextAttemptMs: 0 };

  constructor(config: ServerConfig, options: OidcMetadataOptions) {
    this.#config = config;
    this.#options = { maxAgeMs: 86_400_000, retryDelayMs: 1000, maxRetryDelayMs: 30_000, ...options };
  }

  /** The v2.0 metadata if it has been loaded (for readiness reporting). */
  get current(): TenantMetadata | undefined {
    return this.#v2.value;
  }

  /** The v2.0 metadata, fetching it when missing or stale. Throws {@linkcode AuthUnavailableError}. */
  get(): Promise<TenantMetadata> {
    const url =
      `${this.#config.authorityHost}/${this.#config.tenantId}/v2.0/.well-known/openid-configuration`;
    return this.#load(this.#v2, "v2.0 OpenID configuration", async () => {
      const doc = await this.#fetchJson(url);
      const issuer = typeof doc.issuer === "string" ? doc.issuer : "";
      const tenantId = issuer.match(/\/([0-9a-f-]{36})\/v2\.0\/?$/i)?.[1];
      if (!tenantId || !GUID.test(tenantId) || typeof doc.jwks_uri !== "string") {
        throw new Error(`${url} is not a tenant's v2.0 OpenID configuration (issuer or jwks_uri missing)`);
      }
      return { tenantId: tenantId.toLowerCase(), issuerV2: issuer, jwksUri: doc.jwks_uri };
    });
  }

  /** The v1.0 issuer (`https://sts.windows.net/{tid}/` in the public cloud), from the v1 document. */
  issuerV1(): Promise<string> {
    const url = `${this.#config.authorityHost}/${this.#config.tenantId}/.well-known/openid-configuration`;
    return this.#load(this.#v1, "v1.0 OpenID configuration", async () => {
      const doc = await this.#fetchJson(url);
      if (typeof doc.issuer !== "string" || !doc.issuer.startsWith("https://")) {
        throw new Error(`${url} has no issuer`);
      }
      return doc.issuer;
    });
  }

  async #load<T>(slot: Slot<T>, what: string, fetcher: () => Promise<T>): Promise<T> {
    const now = Date.now();
    if (slot.value !== undefined && now - slot.fetchedAtMs < this.#options.maxAgeMs) return slot.value;
    if (slot.inflight) return await slot.inflight;
    if (now < slot.nextAttemptMs) {
      if (slot.value !== undefined) return slot.value;
      throw new AuthUnavailableError(`${what} is unavailable: ${slot.lastError?.message}`);
    }
    slot.inflight = fetcher();
    try {
      slot.value = await slot.inflight;
      slot.fetchedAtMs = Date.now();
      slot.failures = 0;
      return slot.value;
    } catch (error) {
      slot.failures++;
      slot.lastError = error as Error;
      const delay = Math.min(
        this.#options.retryDelayMs * 2 ** (slot.failures - 1),
        this.#options.maxRetryDelayMs,
      );
      slot.nextAttemptMs = Date.now() + delay;
      this.#options.logger.warn("oidc metadata fetch failed", {
        document: what,
        error: (error as Error).message,
        retry_in_ms: delay,
        stale_copy: slot.value !== undefined,
      });
      // The last good document keeps working while Entra is unreachable.
      if (slot.value !== undefined) return slot.value;
      throw new AuthUnavailableError(`${what} is unavailable: ${(error as Error).message}`, { cause: error });
    } finally {
      slot.inflight = undefined;
    }
  }

  async #fetchJson(url: string): Promise<Record<string, unknown>> {
    const response = await fetch(url, {
      headers: { accept: "application/json" },
      signal: AbortSignal.timeout(this.#config.upstreamTimeoutMs),
    });
    if (!response.ok) {
      await response.body?.cancel();
      throw new Error(`GET ${url} answered HTTP ${response.status}`);
    }
    const doc = await response.json();
    if (typeof doc !== "object" || doc === null) throw new Error(`${url} did not return a JSON object`);
    return doc as Record<string, unknown>;
  }
}
