/**
 * The setup run: read `.env`, sign in, find what exists, then either print the plan (`--dry-run`) or apply
 * it stage by stage, and print the gateway configuration (or one JSON object with `--json`).
 */
import { resolve } from "node:path";
import { applySetup, type SetupProgress } from "./apply.ts";
import { resolveEndpoints } from "./endpoints.ts";
import { readEnvFileValues } from "./env_file.ts";
import { TenantMismatchError } from "./errors.ts";
import { findExisting } from "./existing_state.ts";
import { createGraphApi } from "./graph_api.ts";
import type { CommandIo } from "./io.ts";
import { failureReport, setupJson, type SetupReport, setupSummary } from "./output.ts";
import { type CredentialKind, type DesiredSetup, planConsent, planSetup } from "./plan.ts";
import { SETUP_SCOPES } from "./registration_spec.ts";
import { signIn } from "./sign_in.ts";

/** The setup command's options. */
export interface SetupOptions {
  /** Base name: apps are "{name} Server" and "{name} Client". */
  name: string;
  redirectUris: string[];
  baseUrl?: string;
  envFile: string;
  tenant?: string;
  useAz: boolean;
  grantAdminConsent: boolean;
  rotateSecrets: boolean;
  dryRun: boolean;
  interactive: boolean;
  json: boolean;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Runs the setup; resolves with the exit code (0 done, 1 failed). */
export async function runSetup(options: SetupOptions, io: CommandIo): Promise<number> {
  const envFile = resolve(options.envFile);
  let base: Omit<SetupReport, "changes" | "dryRun" | "consentGranted"> | undefined;
  try {
    const envValues = await readEnvFileValues(envFile);
    const endpoints = resolveEndpoints({ ...envValues, ...io.env });
    io.err(`Signing in to ${endpoints.authorityHost}${options.useAz ? " with the az CLI" : ""}...`);
    const signedIn = await signIn({
      useAz: options.useAz,
      tenant: options.tenant,
      authorityHost: endpoints.authorityHost,
      scope: SETUP_SCOPES,
      print: io.err,
    });
    io.err(`Signed in${signedIn.user ? ` as ${signedIn.user}` : ""} (tenant ${signedIn.tenantId}).`);
    const envTenant = envValues.AZURE_TENANT_ID?.trim();
    if (envTenant && GUID.test(envTenant) && envTenant.toLowerCase() !== signedIn.tenantId) {
      throw new TenantMismatchError(envFile, { envTenant, signedInTenant: signedIn.tenantId });
    }
    const graph = createGraphApi({
      baseUrl: endpoints.graphBaseUrl,
      token: signedIn.token,
      onRetry: (line) => io.err(`  ${line}`),
    });
    const serverName = `${options.name} Server`;
    const clientName = `${options.name} Client`;
    const found = await findExisting(graph, { serverName, clientName, envValues, note: io.err });
    base = { tenantId: signedIn.tenantId, authorityHost: endpoints.authorityHost, envFile, ...found };
    const desired: DesiredSetup = {
      serverName,
      clientName,
      redirectUris: options.redirectUris,
      rotateSecrets: options.rotateSecrets,
      grantAdminConsent: options.grantAdminConsent,
      tenantId: signedIn.tenantId,
      baseUrl: options.baseUrl,
      credentialKind: credentialKind(envValues),
      endpointSettings: endpoints.explicit,
      newScopeId: crypto.randomUUID(),
      nowMs: Date.now(),
    };
    if (options.dryRun) {
      const grants = found.server && found.serverServicePrincipal ? found.grants : [];
      print(io, options, {
        ...base,
        consentGranted: planConsent(grants, { ...desired, grantAdminConsent: true }).action === "none",
        changes: planSetup(desired, found),
        dryRun: true,
      });
      return 0;
    }
    const progress: SetupProgress = { changes: [], consentGranted: false };
    try {
      await applySetup(desired, found, {
        graph,
        graphServicePrincipal: found.graphServicePrincipal,
        envFile,
        confirm: options.interactive ? confirmer(io) : () => Promise.resolve(true),
        note: io.err,
        progress,
      });
    } catch (error) {
      const report = { ...base, ...progress, dryRun: false };
      io.err(failureReport(report, messageOf(error)));
      if (options.json) io.out(JSON.stringify({ ...setupJson(report), error: errorJson(error) }));
      return 1;
    }
    print(io, options, { ...base, ...progress, dryRun: false });
    return 0;
  } catch (error) {
    // Nothing was written yet: sign-in, configuration or lookups failed.
    io.err(`setup: ${messageOf(error)}\nNothing was changed.`);
    if (options.json) io.out(JSON.stringify({ error: errorJson(error) }));
    return 1;
  }
}

function print(io: CommandIo, options: SetupOptions, report: SetupReport): void {
  io.out(options.json ? JSON.stringify(setupJson(report)) : setupSummary(report));
}

function confirmer(io: CommandIo): (stage: string, changes: string[]) => Promise<boolean> {
  return async (stage, changes) => {
    io.err(`\nNext: ${stage}`);
    for (const change of changes) io.err(`  - ${change}`);
    return await io.confirm("Go ahead?");
  };
}

function credentialKind(envValues: Record<string, string>): CredentialKind {
  if (envValues.AZURE_CLIENT_CERTIFICATE_PATH?.trim()) return "certificate";
  if (envValues.AZURE_FEDERATED_TOKEN_FILE?.trim()) return "federated";
  return "secret";
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function errorJson(error: unknown): { code: string; message: string } {
  const code = (error as { code?: unknown })?.code;
  return {
    code: typeof code === "string" ? code : error instanceof Error ? error.name : "Error",
    message: messageOf(error),
  };
}
