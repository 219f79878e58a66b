/** Typed errors of the On-Behalf-Of exchange, carrying Entra's OAuth error and AADSTS code. */

/** Entra ID refused the exchange (an OAuth error response from the token endpoint). */
export class OboError extends Error {
  /** OAuth `error`, e.g. `invalid_grant`. */
  readonly error: string;
  /** The AADSTS code from `error_codes` (or parsed from the description). */
  readonly aadsts?: number;
  /** Entra's `suberror`, e.g. `consent_required` or `basic_action`. */
  readonly suberror?: string;
  /** A Conditional Access claims challenge (JSON text), when Entra sends one. */
  readonly claims?: string;
  /** HTTP status of the token response. */
  readonly status: number;
  /** Seconds Entra asked to wait (429/5xx). */
  readonly retryAfter?: number;

  constructor(
    fields: {
      error: string;
      description: string;
      status: number;
      aadsts?: number;
      suberror?: string;
      claims?: string;
      retryAfter?: number;
    },
  ) {
    super(fields.description);
    this.name = "OboError";
    this.error = fields.error;
    this.aadsts = fields.aadsts;
    this.suberror = fields.suberror;
    this.claims = fields.claims;
    this.status = fields.status;
    this.retryAfter = fields.retryAfter;
  }
}
