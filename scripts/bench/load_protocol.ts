/** The messages between the benchmark and its load generator (one JSON object per line each way). */

/** A fixed-duration load: `concurrency` clients, each sending `body` in a loop with its own token. */
export interface LoadJob {
  url: string;
  /** JSON-RPC request body. */
  body: string;
  /** Bearer tokens; client `i` uses `tokens[i % tokens.length]`. */
  tokens: string[];
  concurrency: number;
  /** Requests started in the first `warmupMs` are sent but not measured. */
  warmupMs: number;
  /** Measured time after the warm-up. */
  durationMs: number;
  /** Text every successful response body contains. */
  expect: string;
  /** Each client sends exactly one request (warming caches) instead of looping for the duration. */
  once?: boolean;
}

/** What a load measured. */
export interface LoadResult {
  /** Requests started after the warm-up and completed. */
  requests: number;
  /** All completed requests, warm-up included (for per-call counters such as OBO exchanges). */
  total: number;
  /** Responses that were not 200 with the expected text, or failed. */
  errors: number;
  /** The first failure, for the report. */
  errorSample?: string;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
}
