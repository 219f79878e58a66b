/**
 * The OAuth 2.0 device authorization grant (RFC 8628) against Entra ID's v2.0 endpoints: ask for a code,
 * print where to enter it, then poll the token endpoint every `interval` seconds (plus 5 s after each
 * `slow_down`) until the user signs in, declines, or `expires_in` runs out.
 */
import { fetchWithRetry } from "../upstream/fetch_with_retry.ts";
import { ROLES_FOR, SignInError } from "./errors.ts";

/** Options for {@linkcode signInWithDeviceCode}. */
export interface DeviceCodeOptions {
  /** e.g. `https://login.microsoftonline.com`. */
  authorityHost: string;
  /** Tenant ID, domain, or `organizations`. */
  tenant: string;
  /** A public client's application ID. */
  clientId: string;
  /** Space-separated scopes. */
  scope: string;
  /** Receives the sign-in instructions (standard error: standard output may carry JSON). */
  print: (line: string) => void;
  /** Timeout of each HTTP attempt (default 30 s). */
  timeoutMs?: number;
}

/** Where polling stands. */
export interface PollState {
  /** Seconds between polls. */
  intervalSeconds: number;
  /** When the device code expires (epoch ms). */
  deadlineMs: number;
}

/** What to do after one answer of the token endpoint. */
export type PollStep =
  | { action: "wait"; delayMs: number; state: PollState }
  | { action: "done"; accessToken: string }
  | { action: "fail"; error: SignInError };

const DEVICE_CODE_GRANT = "urn:ietf:params:oauth:grant-type:device_code";
/** RFC 8628 §3.2: the interval when the server gives none; §3.5: what each `slow_down` adds. */
const DEFAULT_INTERVAL_SECONDS = 5;
const SLOW_DOWN_SECONDS = 5;
/** Never poll in a tight loop, even when the server announces an interval of 0. */
const MIN_DELAY_MS = 100;

/** Reasons for failing, by OAuth error (RFC 8628 §3.5, Entra `v2-oauth2-device-code`). */
const FAILURES: Readonly<Record<string, string>> = {
  authorization_declined: "The sign-in was declined.",
  expired_token: "The sign-in code expired before anyone signed in; run the command again.",
  bad_verification_code: "Entra ID did not recognise the device code; run the command again.",
};

/** Decides the next step from one token-endpoint answer (pure, so every branch is testable). */
export function nextPollStep(
  state: PollState,
  answer: { status: number; body: Record<string, unknown> },
  options: { nowMs: number },
): PollStep {
  const { body } = answer;
  if (answer.status === 200 && typeof body.access_token === "string") {
    return { action: "done", accessToken: body.access_token };
  }
  const error = typeof body.error === "string" ? body.error : `http_${answer.status}`;
  let intervalSeconds = state.intervalSeconds;
  if (error === "slow_down") intervalSeconds += SLOW_DOWN_SECONDS;
  else if (error !== "authorization_pending") return { action: "fail", error: signInError(error, body) };
  const delayMs = Math.max(MIN_DELAY_MS, intervalSeconds * 1000);
  if (options.nowMs + delayMs >= state.deadlineMs) {
    return { action: "fail", error: new SignInError("expired_token", FAILURES.expired_token) };
  }
  return { action: "wait", delayMs, state: { ...state, intervalSeconds } };
}

/** Runs the device code flow and resolves with a delegated access token. Throws {@linkcode SignInError}. */
export async function signInWithDeviceCode(options: DeviceCodeOptions): Promise<string> {
  const base = `${options.authorityHost}/${encodeURIComponent(options.tenant)}/oauth2/v2.0`;
  const started = await postForm(`${base}/devicecode`, {
    client_id: options.clientId,
    scope: options.scope,
  }, options.timeoutMs);
  const { body } = started;
  if (started.status !== 200 || typeof body.device_code !== "string") {
    throw signInError(typeof body.error === "string" ? body.error : `http_${started.status}`, body);
  }
  options.print(
    typeof body.message === "string"
      ? body.message
      : `To sign in, use a web browser to open the page ${body.verification_uri} and enter the code ${body.user_code} to authenticate.`,
  );
  const interval = Number(body.interval);
  const expiresIn = Number(body.expires_in);
  let state: PollState = {
    intervalSeconds: Number.isFinite(interval) && interval >= 0 ? interval : DEFAULT_INTERVAL_SECONDS,
    deadlineMs: Date.now() + (Number.isFinite(expiresIn) && expiresIn > 0 ? expiresIn : 900) * 1000,
  };
  let delayMs = Math.max(MIN_DELAY_MS, state.intervalSeconds * 1000);
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, delayMs));
    const answer = await postForm(`${base}/token`, {
      grant_type: DEVICE_CODE_GRANT,
      client_id: options.clientId,
      device_code: body.device_code,
    }, options.timeoutMs);
    const step = nextPollStep(state, answer, { nowMs: Date.now() });
    if (step.action === "done") return step.accessToken;
    if (step.action === "fail") throw step.error;
    state = step.state;
    delayMs = step.delayMs;
  }
}

async function postForm(
  url: string,
  fields: Record<string, string>,
  timeoutMs = 30_000,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetchWithRetry(url, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
    body: new URLSearchParams(fields),
  }, { service: "Microsoft Entra ID", timeoutMs });
  const text = await response.text();
  try {
    const body = JSON.parse(text);
    return { status: response.status, body: typeof body === "object" && body !== null ? body : {} };
  } catch {
    return { status: response.status, body: { error_description: text.slice(0, 200) } };
  }
}

function signInError(error: string, body: Record<string, unknown>): SignInError {
  const description = typeof body.error_description === "string" ? body.error_description : "";
  const codes = Array.isArray(body.error_codes) ? body.error_codes : [];
  const aadsts = typeof codes[0] === "number"
    ? codes[0]
    : Number(description.match(/AADSTS(\d+)/)?.[1]) || undefined;
  // AADSTS65001 on redemption: the user who approved may not consent to the admin-only scopes asked for.
  const reason = aadsts === 65001
    ? "Sign-in failed (AADSTS65001): the signed-in user may not consent to the permissions the tool asks " +
      `for. Sign in as an administrator (${ROLES_FOR.applications}), or have one consent to ` +
      "Microsoft Graph Command Line Tools for the tenant."
    : FAILURES[error] ?? `Sign-in failed: ${error}${description ? `: ${description.split("\n")[0]}` : ""}`;
  return new SignInError(error, reason, { aadsts });
}
