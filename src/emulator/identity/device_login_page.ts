/**
 * `GET|POST /devicelogin`: the page where a user enters a device flow's user code, picks an account and
 * approves or declines (Entra's https://microsoft.com/devicelogin). Approving signs the user in and consents
 * to what the application asked for, within what that user may consent to.
 */
import { findClientApp } from "./client_app.ts";
import type { RouteContext } from "../router.ts";
import type { DeviceCodeGrant, EmulatorState } from "../state.ts";
import { escapeHtml, htmlPage } from "./html.ts";
import { readFormBody } from "./http_forms.ts";

/** Handles the device login page. */
export async function handleDeviceLogin(request: Request, context: RouteContext): Promise<Response> {
  const { state, url } = context;
  if (request.method !== "POST") return renderForm(state, url.searchParams.get("otc") ?? "");
  const form = await readFormBody(request);
  const entered = form.get("user_code") ?? "";
  const grant = findPendingGrant(state, entered);
  if (!grant) {
    return renderForm(state, entered, {
      error: "That code didn't work. Check the code and try again.",
      status: 400,
    });
  }
  const user = state.directory.users.find((u) => u.id === form.get("user"));
  if (!user) return renderForm(state, entered, { error: "Pick an account.", status: 400 });
  const appName = findClientApp(state, grant.clientAppId)?.displayName ?? grant.clientAppId;
  if (form.get("decision") === "decline") {
    grant.status = "declined";
    grant.userId = user.id;
    return htmlPage(
      "Sign-in declined",
      `<h1>Sign-in declined</h1>
<p>You have declined to sign in to <strong>${escapeHtml(appName)}</strong> on your device.</p>`,
    );
  }
  grant.status = "approved";
  grant.userId = user.id;
  return htmlPage(
    "Signed in",
    `<h1>${escapeHtml(user.displayName)}</h1>
<p>You have signed in to the <strong>${escapeHtml(appName)}</strong> application on your device.
You may now close this window.</p>`,
  );
}

/** The pending, unexpired authorization with this user code (case, spaces and dashes ignored). */
function findPendingGrant(state: EmulatorState, entered: string): DeviceCodeGrant | undefined {
  const code = entered.replace(/[\s-]/g, "").toUpperCase();
  if (!code) return undefined;
  const now = Date.now();
  return [...state.deviceCodes.values()].find((grant) =>
    grant.userCode === code && grant.status === "pending" && grant.expiresAtMs > now
  );
}

function renderForm(
  state: EmulatorState,
  userCode: string,
  options: { error?: string; status?: number } = {},
): Response {
  const users = state.directory.users.map((user, index) =>
    `<label><input type="radio" name="user" value="${escapeHtml(user.id)}"${index === 0 ? " checked" : ""}> ${
      escapeHtml(user.displayName)
    } &lt;${escapeHtml(user.userPrincipalName)}&gt;${user.admin ? " (administrator)" : ""}</label>`
  ).join("\n");
  const error = options.error ? `<p role="alert" id="error">${escapeHtml(options.error)}</p>` : "";
  return htmlPage(
    "Enter code",
    `<h1>Enter code</h1>
${error}
<form method="POST" action="/devicelogin">
<label>Enter the code displayed on your app or device:
<input type="text" name="user_code" value="${escapeHtml(userCode)}" autocomplete="off" required></label>
${users}
<p>Approving also consents to the permissions the application asked for.</p>
<button type="submit" name="decision" value="approve">Approve</button>
<button type="submit" name="decision" value="decline">Decline</button>
</form>`,
    { status: options.status },
  );
}
