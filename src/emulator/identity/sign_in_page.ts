/**
 * The emulator's interactive sign-in: a page to pick one of the tenant's users, then, when consent is
 * needed, a page listing the permissions to consent to. Both post back to the authorize URL with every
 * original parameter in hidden fields, plus the emulator's `emulator_user` / `emulator_consent` fields.
 */
import type { DirectoryUser, PermissionScope } from "../directory.ts";
import { escapeHtml, hiddenInputs, htmlPage } from "./html.ts";

/** Form field with the chosen user's object ID. */
export const USER_FIELD = "emulator_user";
/** Form field with the consent decision: `accept` or `decline`. */
export const CONSENT_FIELD = "emulator_consent";

/** What both pages need to post back. */
export interface SignInPageContext {
  /** Path of the authorize endpoint the client called. */
  action: string;
  /** The original authorization request parameters. */
  parameters: URLSearchParams;
  clientName: string;
}

/** The account picker. */
export function renderSignInPage(context: SignInPageContext, users: readonly DirectoryUser[]): Response {
  const choices = users.map((user, index) =>
    `<label><input type="radio" name="${USER_FIELD}" value="${escapeHtml(user.id)}"${
      index === 0 ? " checked" : ""
    }> ${escapeHtml(user.displayName)} &lt;${escapeHtml(user.userPrincipalName)}&gt;${
      user.admin ? " (administrator)" : ""
    }</label>`
  ).join("\n");
  return htmlPage(
    "Sign in to your account",
    `<h1>Pick an account</h1>
<p>to continue to <strong>${escapeHtml(context.clientName)}</strong></p>
<form method="POST" action="${escapeHtml(context.action)}">
${hiddenInputs(context.parameters)}
${choices}
<button type="submit">Sign in</button>
</form>`,
  );
}

/** The consent prompt for the chosen user. */
export function renderConsentPage(
  context: SignInPageContext,
  request: { user: DirectoryUser; resourceName: string; scopes: readonly PermissionScope[] },
): Response {
  const items = request.scopes.map((scope) => {
    const text = scope.userConsentDisplayName ?? scope.adminConsentDisplayName ?? scope.value;
    return `<li><code>${escapeHtml(scope.value)}</code>: ${escapeHtml(text)}</li>`;
  }).join("\n");
  return htmlPage(
    "Permissions requested",
    `<h1>Permissions requested</h1>
<p><strong>${escapeHtml(context.clientName)}</strong> wants to access
<strong>${escapeHtml(request.resourceName)}</strong> as
${escapeHtml(request.user.displayName)} &lt;${escapeHtml(request.user.userPrincipalName)}&gt;:</p>
<ul>
${items}
</ul>
<form method="POST" action="${escapeHtml(context.action)}">
${hiddenInputs(context.parameters)}
<input type="hidden" name="${USER_FIELD}" value="${escapeHtml(request.user.id)}">
<button type="submit" name="${CONSENT_FIELD}" value="accept">Accept</button>
<button type="submit" name="${CONSENT_FIELD}" value="decline">Cancel</button>
</form>`,
  );
}
