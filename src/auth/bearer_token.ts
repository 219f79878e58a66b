/** Extracting the bearer token from a request (RFC 6750 §2.1; only the header method is supported). */
import { InvalidTokenError, MissingTokenError } from "./errors.ts";

/**
 * The token from `Authorization: Bearer <token>`. Throws {@linkcode MissingTokenError} when there is no
 * bearer credential (including other schemes) and {@linkcode InvalidTokenError} when it is malformed.
 */
export function bearerTokenOf(request: Request): string {
  const header = request.headers.get("authorization");
  if (header === null) throw new MissingTokenError();
  const match = header.match(/^\s*bearer(?:\s+(.*))?$/i);
  if (!match) throw new MissingTokenError();
  const token = (match[1] ?? "").trim();
  // RFC 6750 §2.1 b64token syntax.
  if (token === "" || !/^[A-Za-z0-9\-._~+/]+=*$/.test(token)) {
    throw new InvalidTokenError("the Authorization header does not hold a bearer token");
  }
  return token;
}
