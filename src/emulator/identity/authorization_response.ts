/**
 * Answers of the authorization endpoint: the code (or an error) sent back to the validated redirect URI by
 * query, fragment or form_post, and the HTML error page used while no redirect URI can be trusted.
 */
import { AADSTS, type EntraError, entraErrorBody } from "./entra_errors.ts";
import { escapeHtml, htmlPage } from "./html.ts";

/** How the authorization response travels (`response_mode`). */
export type ResponseMode = "query" | "fragment" | "form_post";

/** Reads `response_mode`; the default for the code flow is `query`. */
export function responseModeOf(parameters: URLSearchParams): ResponseMode {
  const mode = parameters.get("response_mode");
  return mode === "fragment" || mode === "form_post" ? mode : "query";
}

/** Sends fields to the redirect URI with the response mode. */
export function authorizationResponse(
  redirectUri: string,
  fields: Record<string, string | undefined>,
  options: { mode: ResponseMode },
): Response {
  const present = Object.entries(fields).filter((entry): entry is [string, string] => entry[1] !== undefined);
  if (options.mode === "form_post") {
    const inputs = present
      .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
      .join("\n");
    return htmlPage(
      "Working...",
      `<form method="POST" name="hiddenform" action="${escapeHtml(redirectUri)}">
${inputs}
<noscript><p>Script is disabled. Click Submit to continue.</p><button type="submit">Submit</button></noscript>
</form>
<script>document.forms[0].submit();</script>`,
    );
  }
  const location = new URL(redirectUri);
  const encoded = new URLSearchParams(present);
  if (options.mode === "fragment") {
    location.hash = encoded.toString();
  } else {
    for (const [name, value] of encoded) location.searchParams.append(name, value);
  }
  return new Response(null, {
    status: 302,
    headers: { location: location.toString(), "cache-control": "no-store, no-cache" },
  });
}

/** An Entra error sent back to the (validated) redirect URI, with the client's `state`. */
export function authorizationErrorResponse(
  redirectUri: string,
  error: EntraError,
  options: { mode: ResponseMode; state?: string },
): Response {
  const body = entraErrorBody(error.code, error.options);
  return authorizationResponse(redirectUri, {
    error: body.error,
    error_description: body.error_description,
    error_uri: body.error_uri,
    state: options.state,
  }, { mode: options.mode });
}

/** Entra's sign-in error page, for errors found before the redirect URI is known to be registered. */
export function authorizeErrorPage(error: EntraError): Response {
  const body = entraErrorBody(error.code, error.options);
  return htmlPage(
    "Sign in to your account",
    `<main data-error="${escapeHtml(body.error)}" data-error-codes="${error.code}">
<h1>Sorry, but we're having trouble signing you in.</h1>
<p id="error-description">${escapeHtml(body.error_description)}</p>
<p>Trace ID: ${escapeHtml(body.trace_id)}<br>Correlation ID: ${escapeHtml(body.correlation_id)}</p>
</main>`,
    { status: AADSTS[error.code]?.status ?? 400 },
  );
}
