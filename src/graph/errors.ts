/** Typed errors of Microsoft Graph calls, carrying Graph's error code. */

/** Graph answered with an error (`{"error": {"code", "message"}}`). */
export class GraphApiError extends Error {
  /** HTTP status. */
  readonly status: number;
  /** Graph's error code, e.g. `ErrorAccessDenied`. */
  readonly code: string;
  /** Graph's `request-id`, for support cases. */
  readonly requestId?: string;
  /** Seconds Graph asked to wait (429/503). */
  readonly retryAfter?: number;

  constructor(
    fields: { status: number; code: string; message: string; requestId?: string; retryAfter?: number },
  ) {
    super(fields.message);
    this.name = "GraphApiError";
    this.status = fields.status;
    this.code = fields.code;
    this.requestId = fields.requestId;
    this.retryAfter = fields.retryAfter;
  }
}
