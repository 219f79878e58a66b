/** `entra-obo-mcp doctor`: checks a live configuration without changing anything. */
import { parseArgs } from "node:util";
import { runDoctor } from "../doctor/run_doctor.ts";
import { type CommandIo, processIo } from "../setup/io.ts";

/** Usage text for the doctor command. */
export const DOCTOR_USAGE =
  `Usage: entra-obo-mcp doctor [--env-file PATH] [--registration [--use-az] [--tenant TENANT]] [--json]

Checks a live configuration without changing anything, one line per check with the fix for each failure:
  .env complete          the same configuration the server reads (--env-file, then the environment)
  OIDC discovery         the tenant's OpenID configuration and signing keys are reachable
  server credential      Entra ID issues a client_credentials token for Graph with the secret,
                         certificate or federated token
  registration checks    (--registration) identifier URI, v2 tokens, enabled access_as_user scope,
                         pre-authorized client with redirect URIs, Graph permissions and their admin
                         consent, secret expiry (within 30 days: warning)

Options:
  --env-file PATH   the .env to read (default .env); real environment variables win, as for the server
  --registration    also check the app registration; signs in like setup (device code, or --use-az)
  --use-az          with --registration: reuse the az CLI's sign-in instead of a device code
  --tenant TENANT   with --registration: tenant to sign in to (default AZURE_TENANT_ID)
  --json            print {"ok", "envFile", "checks": [{"id", "title", "status", "detail", "fix"}]}
  -h, --help        show this help

Exit codes: 0 every check that ran passed (warnings allowed), 1 a check failed, 2 bad usage.`;

/** Runs the doctor command and resolves with its exit code. */
export async function runDoctorCommand(args: string[], io: CommandIo = processIo()): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        "env-file": { type: "string", default: ".env" },
        registration: { type: "boolean", default: false },
        "use-az": { type: "boolean", default: false },
        tenant: { type: "string" },
        json: { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    io.err(`doctor: ${(error as Error).message}\n\n${DOCTOR_USAGE}`);
    return 2;
  }
  if (values.help) {
    io.out(DOCTOR_USAGE);
    return 0;
  }
  if (!values.registration && (values["use-az"] || values.tenant !== undefined)) {
    io.err("doctor: --use-az and --tenant only apply with --registration");
    return 2;
  }
  return await runDoctor({
    envFile: values["env-file"],
    registration: values.registration,
    tenant: values.tenant,
    useAz: values["use-az"],
    json: values.json,
  }, io);
}
