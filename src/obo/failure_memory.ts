/**
 * Remembers app-wide OBO failures (missing admin consent, rejected server credential) for a short time, so
 * a burst of tool calls does not hammer Entra with requests that must fail the same way, and an incident is
 * logged once when it starts rather than once per call.
 */
import { OboError } from "./errors.ts";

/** AADSTS codes that fail the same way for every user until an administrator acts. */
const APP_WIDE_CODES = new Set([
  65001,
  7000215,
  7000222,
  7000218,
  700016,
  700027,
  700024,
  700211,
  700212,
  700213,
]);

/** Whether `error` is the same for every caller (consent or credential), so worth remembering. */
export function isAppWideFailure(error: unknown): error is OboError {
  return error instanceof OboError &&
    ((error.aadsts !== undefined && APP_WIDE_CODES.has(error.aadsts)) || error.error === "invalid_client");
}

/** A remembered failure with its expiry. */
export class FailureMemory {
  readonly #ttlMs: number;
  readonly #onIncident: (error: OboError) => void;
  #failure?: { error: OboError; untilMs: number };

  /** `onIncident` runs when a failure is remembered while none was (the start of an incident). */
  constructor(options: { ttlMs: number; onIncident: (error: OboError) => void }) {
    this.#ttlMs = options.ttlMs;
    this.#onIncident = options.onIncident;
  }

  /** The remembered failure, while it lasts. */
  recall(): OboError | undefined {
    if (this.#failure && this.#failure.untilMs > Date.now()) return this.#failure.error;
    return undefined;
  }

  /** Remembers `error` if it is app-wide; returns whether it was. */
  remember(error: unknown): boolean {
    if (!isAppWideFailure(error)) return false;
    const ongoing = this.recall() !== undefined;
    this.#failure = { error, untilMs: Date.now() + this.#ttlMs };
    if (!ongoing) this.#onIncident(error);
    return true;
  }

  /** Ends the incident (a later exchange succeeded). */
  clear(): void {
    this.#failure = undefined;
  }
}
