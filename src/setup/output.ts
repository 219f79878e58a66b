/**
 * What the setup prints: the gateway configuration for a person, or one JSON object for machines
 * (`--json`). The new Client app secret appears here and nowhere else; a kept one cannot be shown again.
 */
import type { Application } from "./graph_types.ts";
import { adminConsentUrl, SCOPE_VALUE } from "./registration_spec.ts";

/** The outcome of a run (or of a dry run, or of a run that failed part-way). */
export interface SetupReport {
  tenantId: string;
  authorityHost: string;
  /** Absolute path of the `.env`. */
  envFile: string;
  server?: Application;
  client?: Application;
  /** The Client app secret added by this run. */
  newClientSecret?: string;
  consentGranted: boolean;
  /** Changes made (or, in a dry run, planned). */
  changes: string[];
  dryRun: boolean;
}

/** The `--json` object. */
export interface SetupJson {
  tenantId: string;
  server: { appId: string | null; objectId: string | null; identifierUri: string | null };
  client: {
    appId: string | null;
    objectId: string | null;
    clientSecret: string | null;
    redirectUris: string[];
  };
  authorizationUrl: string;
  tokenUrl: string;
  scopes: string;
  envFile: string;
  /** `"granted"`, or the link an administrator opens to grant it. */
  adminConsent: string;
  changes: string[];
  /** Present (true) only for `--dry-run`. */
  dryRun?: true;
}

/** The `--json` object of a report. */
export function setupJson(report: SetupReport): SetupJson {
  const { server, client } = report;
  const identifierUri = server ? `api://${server.appId}` : null;
  const json: SetupJson = {
    tenantId: report.tenantId,
    server: { appId: server?.appId ?? null, objectId: server?.id ?? null, identifierUri },
    client: {
      appId: client?.appId ?? null,
      objectId: client?.id ?? null,
      clientSecret: report.newClientSecret ?? null,
      redirectUris: client ? [...client.web.redirectUris] : [],
    },
    authorizationUrl: `${report.authorityHost}/${report.tenantId}/oauth2/v2.0/authorize`,
    tokenUrl: `${report.authorityHost}/${report.tenantId}/oauth2/v2.0/token`,
    scopes: `${identifierUri ?? "api://<Server appId>"}/${SCOPE_VALUE} offline_access`,
    envFile: report.envFile,
    adminConsent: adminConsentStatus(report),
    changes: [...report.changes],
  };
  if (report.dryRun) json.dryRun = true;
  return json;
}

/** The summary for a person. */
export function setupSummary(report: SetupReport): string {
  const json = setupJson(report);
  const lines: string[] = [];
  if (report.dryRun) {
    lines.push(
      json.changes.length === 0
        ? "Dry run: nothing to change, the registrations match."
        : "Dry run: nothing was changed. A run would:",
    );
  } else {
    lines.push(
      json.changes.length === 0
        ? "Setup complete: nothing to change, the registrations match."
        : "Setup complete. Changes:",
    );
  }
  for (const change of json.changes) lines.push(`  - ${change}`);
  if (report.dryRun) return lines.join("\n");
  lines.push(
    "",
    `Server configuration (.env): ${json.envFile}`,
    "",
    "Gateway / Obot configuration:",
    `  Client App ID:     ${json.client.appId}`,
    `  Client Secret:     ${json.client.clientSecret ?? KEPT_SECRET}`,
    `  Server App ID:     ${json.server.appId}`,
    `  Tenant ID:         ${json.tenantId}`,
    `  Authorization URL: ${json.authorizationUrl}`,
    `  Token URL:         ${json.tokenUrl}`,
    `  Scopes:            ${json.scopes}`,
    `  Redirect URIs:     ${
      json.client.redirectUris.length > 0 ? json.client.redirectUris.join(", ") : NO_REDIRECT_URIS
    }`,
    "",
    json.adminConsent === "granted"
      ? "Admin consent: granted (the server may call Microsoft Graph for every user)."
      : `Admin consent: not granted yet. An administrator grants it at\n  ${json.adminConsent}\n` +
        "  (or rerun with --grant-admin-consent).",
  );
  return lines.join("\n");
}

/** What to tell a person when the run stopped part-way: what exists, what was done, how to finish. */
export function failureReport(report: SetupReport, reason: string): string {
  const lines = [`setup stopped: ${reason}`, "", "What exists now:"];
  const describe = (label: string, app: Application | undefined) =>
    lines.push(
      app ? `  ${label} app "${app.displayName}": appId ${app.appId}` : `  ${label} app: not created yet`,
    );
  describe("Server", report.server);
  describe("Client", report.client);
  lines.push("", report.changes.length > 0 ? "Changes made before it stopped:" : "No changes were made.");
  for (const change of report.changes) lines.push(`  - ${change}`);
  if (report.newClientSecret) {
    lines.push(
      "",
      `New Client app secret (shown only now, keep it for the gateway): ${report.newClientSecret}`,
    );
  }
  lines.push(
    "",
    "Run the same command again to finish: it finds what exists and changes only what is missing.",
  );
  return lines.join("\n");
}

const KEPT_SECRET = "(kept: an existing secret cannot be shown again; use --rotate-secrets for a new one)";
const NO_REDIRECT_URIS = "none yet: add your gateway's callback with --redirect-uri URL";

function adminConsentStatus(report: SetupReport): string {
  if (report.consentGranted) return "granted";
  return adminConsentUrl(report.authorityHost, {
    tenantId: report.tenantId,
    appId: report.server?.appId ?? "<Server appId>",
  });
}
