/** Reading OAuth request parameters the way ESTS does. */
import { EntraError } from "./entra_errors.ts";

/**
 * Parameters of a form-urlencoded body. Any other content type yields no parameters, so a JSON body
 * fails like on Entra: with the first missing required parameter (RFC 6749 §4.1.3 mandates the form encoding).
 */
export async function readFormBody(request: Request): Promise<URLSearchParams> {
  const type = request.headers.get("content-type") ?? "";
  if (!type.toLowerCase().startsWith("application/x-www-form-urlencoded")) {
    await request.body?.cancel();
    return new URLSearchParams();
  }
  return new URLSearchParams(await request.text());
}

/** Authorization request parameters: the query string, overlaid by the form body of a POST. */
export async function readAuthorizeParameters(request: Request, url: URL): Promise<URLSearchParams> {
  const parameters = new URLSearchParams(url.search);
  if (request.method === "POST") {
    for (const [name, value] of await readFormBody(request)) parameters.set(name, value);
  }
  return parameters;
}

/** A parameter that must be present and non-empty, else AADSTS900144. */
export function requiredParameter(parameters: URLSearchParams, name: string): string {
  const value = parameters.get(name);
  if (!value) throw new EntraError(900144, { params: { parameter: name } });
  return value;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The caller's `client-request-id` (header, else query string as msal-node also sends it), if it is a GUID. */
export function clientRequestId(request: Request, url: URL): string | undefined {
  const value = request.headers.get("client-request-id") ?? url.searchParams.get("client-request-id");
  return value && GUID.test(value) ? value : undefined;
}
