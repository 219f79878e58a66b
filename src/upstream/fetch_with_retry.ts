/**
 * HTTP calls to Entra ID and Graph with a timeout per attempt and bounded retries of throttling (429) and
 * transient server errors (5xx), honouring `Retry-After` (Graph throttling guidance) with capped waits.
 */

/** Options for {@linkcode fetchWithRetry}. */
export interface RetryOptions {
  /** Who is being called, for messages ("Microsoft Graph", "Microsoft Entra ID"). */
  service: string;
  /** Timeout of each attempt. */
  timeoutMs: number;
  /** Attempts in all, the first included (default 3). */
  maxAttempts?: number;
  /** Base of the exponential backoff when no `Retry-After` is given (default 250 ms). */
  baseDelayMs?: number;
  /** The longest single wait; a longer `Retry-After` ends the retries at once (default 5 s). */
  maxDelayMs?: number;
  /** Called before each retry, for logging. */
  onRetry?: (info: { attempt: number; status?: number; delayMs: number; error?: string }) => void;
}

/** The upstream did not answer within the timeout, or the connection failed, on every attempt. */
export class UpstreamUnreachableError extends Error {
  /** The service that did not answer. */
  readonly service: string;
  /** True when the last attempt timed out (rather than failed to connect). */
  readonly timedOut: boolean;

  constructor(message: string, options: { service: string; timedOut: boolean; cause?: unknown }) {
    super(message, { cause: options.cause });
    this.name = "UpstreamUnreachableError";
    this.service = options.service;
    this.timedOut = options.timedOut;
  }
}

/** Seconds to wait from a `Retry-After` header (delta-seconds or HTTP-date), if present and sane. */
export function retryAfterSeconds(headers: Headers, nowMs: number = Date.now()): number | undefined {
  const value = headers.get("retry-after")?.trim();
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Number(value);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, (date - nowMs) / 1000);
}

/**
 * Fetches with retries. Returns the last response (which may still be a 429/5xx when retries ran out or the
 * server asked for a longer wait than allowed); throws {@linkcode UpstreamUnreachableError} when no response
 * came back at all. The request body must be a string or `URLSearchParams` so it can be sent again.
 */
export async function fetchWithRetry(
  url: string,
  init: RequestInit & { body?: string | URLSearchParams },
  options: RetryOptions,
): Promise<Response> {
  const maxAttempts = options.maxAttempts ?? 3;
  const maxDelayMs = options.maxDelayMs ?? 5000;
  for (let attempt = 1;; attempt++) {
    let response: Response;
    try {
      response = await fetch(url, { ...init, signal: AbortSignal.timeout(options.timeoutMs) });
    } catch (error) {
      const timedOut = error instanceof DOMException && error.name === "TimeoutError";
      const reason = timedOut ? `no answer within ${options.timeoutMs} ms` : (error as Error).message;
      if (attempt >= maxAttempts) {
        throw new UpstreamUnreachableError(`${options.service} (${new URL(url).host}): ${reason}`, {
          service: options.service,
          timedOut,
          cause: error,
        });
      }
      const delayMs = backoff(attempt, options.baseDelayMs ?? 250, maxDelayMs);
      options.onRetry?.({ attempt, delayMs, error: reason });
      await sleep(delayMs);
      continue;
    }
    if (response.status !== 429 && response.status < 500) return response;
    if (attempt >= maxAttempts) return response;
    const hinted = retryAfterSeconds(response.headers);
    const delayMs = hinted !== undefined
      ? hinted * 1000
      : backoff(attempt, options.baseDelayMs ?? 250, maxDelayMs);
    if (delayMs > maxDelayMs) return response;
    await response.body?.cancel();
    options.onRetry?.({ attempt, status: response.status, delayMs });
    await sleep(delayMs);
  }
}

function backoff(attempt: number, baseMs: number, maxMs: number): number {
  // Full jitter keeps a crowd of clients from retrying in lockstep.
  return Math.min(maxMs, Math.round(baseMs * 2 ** (attempt - 1) * (0.5 + Math.random() / 2)));
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
