/** A parsed request to the token endpoint, as the grant handlers see it. */
import type { EmulatorState } from "../state.ts";

/** The token request. */
export interface TokenRequest {
  /** Form-urlencoded body parameters. */
  form: URLSearchParams;
  headers: Headers;
  /** The URL the client called (client assertions may name it as `aud`). */
  url: URL;
  /** The request's `client-request-id`, echoed as `correlation_id`. */
  correlationId?: string;
}

/** A grant handler: returns the success body or throws an `EntraError`. */
export type GrantHandler = (state: EmulatorState, request: TokenRequest) => Promise<Record<string, unknown>>;

/** The request asked for `client_info` (MSAL sends `client_info=1`). */
export function wantsClientInfo(request: TokenRequest): boolean {
  return request.form.get("client_info") === "1";
}
