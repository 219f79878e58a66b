/**
 * Device-flow poll answers whose OAuth `error` differs from the usual one for their AADSTS code:
 * `slow_down` (RFC 8628 §3.5, a variant of authorization_pending) and `authorization_declined`.
 */
import { EntraError, entraErrorBody, type EntraErrorOptions } from "./entra_errors.ts";

/** An Entra error answered with a specific OAuth `error` value. */
export class DeviceFlowError extends EntraError {
  /** The OAuth `error` value to send. */
  readonly oauthError: "slow_down" | "authorization_declined";

  constructor(oauthError: "slow_down" | "authorization_declined", code: number) {
    super(code);
    this.name = "DeviceFlowError";
    this.oauthError = oauthError;
  }

  /** The HTTP response, with the `error` value replaced. */
  override toResponse(extra: EntraErrorOptions = {}): Response {
    const template = super.toResponse(extra);
    const body = { ...entraErrorBody(this.code, { ...this.options, ...extra }), error: this.oauthError };
    const headers = new Headers(template.headers);
    headers.set("x-ms-request-id", body.trace_id);
    return new Response(JSON.stringify(body), { status: template.status, headers });
  }
}
