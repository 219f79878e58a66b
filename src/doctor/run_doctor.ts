/**
 * `doctor`: checks a live configuration without changing anything. The configuration first (nothing else
 * can run without it), then discovery and the credential, then, with `--registration`, the app registration
 * as Graph shows it to a signed-in user.
 */
import { resolve } from "node:path";
import type { ServerConfig } from "../config/mod.ts";
import { createGraphApi } from "../setup/graph_api.ts";
import type { CommandIo } from "../setup/io.ts";
import { DOCTOR_SCOPES } from "../setup/registration_spec.ts";
import { signIn } from "../setup/sign_in.ts";
import { allPassed, type CheckResult, type DoctorReport, formatChecks, skipped } from "./check.ts";
import { checkCredential } from "./credential_check.ts";
import { checkDiscovery } from "./discovery_check.ts";
import { checkEnvironment } from "./env_check.ts";
import { readRegistration } from "./registration_snapshot.ts";
import { registrationChecks } from "./registration_checks.ts";

/** The doctor command's options. */
export interface DoctorOptions {
  envFile: string;
  /** Also check the app registration (needs a sign-in). */
  registration: boolean;
  tenant?: string;
  useAz: boolean;
  json: boolean;
}

/** Runs the checks, prints them, and resolves with the exit code (0 only when no check failed). */
export async function runDoctor(options: DoctorOptions, io: CommandIo): Promise<number> {
  const envFile = resolve(options.envFile);
  const env = checkEnvironment(envFile, io.env);
  const checks: CheckResult[] = [env.result];
  const { config } = env;
  if (config) {
    checks.push(await checkDiscovery(config), await checkCredential(config));
    if (options.registration) checks.push(...await checkRegistration(config, options, io));
  } else {
    const because = "the configuration is incomplete";
    checks.push(
      skipped("discovery", "OIDC discovery and signing keys", because),
      skipped("credential", "server credential", because),
    );
    if (options.registration) checks.push(skipped("registration", "app registration", because));
  }
  const report: DoctorReport = { ok: allPassed(checks), envFile, checks };
  io.out(options.json ? JSON.stringify(report) : formatChecks(checks));
  return report.ok ? 0 : 1;
}

async function checkRegistration(
  config: ServerConfig,
  options: DoctorOptions,
  io: CommandIo,
): Promise<CheckResult[]> {
  let token: string;
  try {
    io.err(
      `Signing in to ${config.authorityHost} to read the registration${
        options.useAz ? " with the az CLI" : ""
      }...`,
    );
    ({ token } = await signIn({
      useAz: options.useAz,
      tenant: options.tenant ?? config.tenantId,
      authorityHost: config.authorityHost,
      scope: DOCTOR_SCOPES,
      print: io.err,
    }));
  } catch (error) {
    return [{
      id: "registration.sign_in",
      title: "sign-in for the registration checks",
      status: "fail",
      detail: (error as Error).message,
      fix: "sign in as a user who can read app registrations (device code, or --use-az after az login)",
    }];
  }
  try {
    const graph = createGraphApi({ baseUrl: config.graphBaseUrl, token });
    return registrationChecks(await readRegistration(graph, config.clientId), config, { nowMs: Date.now() });
  } catch (error) {
    return [{
      id: "registration.read",
      title: "read the registration",
      status: "fail",
      detail: (error as Error).message,
      fix:
        `sign in as a user who can read app registrations and permission grants in tenant ${config.tenantId}`,
    }];
  }
}
