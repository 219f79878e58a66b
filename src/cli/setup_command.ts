/** `entra-obo-mcp setup`: creates or reconciles the Entra ID app registrations and writes `.env`. */
import { parseArgs } from "node:util";
import { type CommandIo, processIo } from "../setup/io.ts";
import { DEFAULT_BASE_URL, DEFAULT_NAME } from "../setup/registration_spec.ts";
import { runSetup } from "../setup/run_setup.ts";

/** Usage text for the setup command. */
export const SETUP_USAGE = `Usage: entra-obo-mcp setup [options]

Creates (or brings up to date) the two Entra ID app registrations through Microsoft Graph: the Server app
the MCP server runs as, and the Client app a gateway such as Obot signs users in with. Then writes the
server's .env and prints the gateway configuration. Safe to run again: it finds the apps (by the IDs in
.env, else by exact name) and changes only what differs.

Sign-in (an administrator of the tenant):
  (default)                 device code: open the printed URL and enter the code (no az CLI needed)
  --use-az                  reuse the az CLI's sign-in (az account get-access-token --resource-type ms-graph)
  --tenant TENANT           tenant ID or domain to sign in to (default: organizations, then the token's tenant)

Options:
  --name NAME               base name: "NAME Server" and "NAME Client" (default "${DEFAULT_NAME}")
  --redirect-uri URI        Web redirect URI of the gateway, repeatable
                            (e.g. https://obot.example.com/oauth/mcp/callback); others already there are kept
  --base-url URL            the server's public origin, written as BASE_URL (default: the .env's, else
                            ${DEFAULT_BASE_URL})
  --env-file PATH           the .env to read and write (default .env); unrelated lines are kept, mode 0600
  --grant-admin-consent     grant tenant-wide consent for the Server app's Graph permissions (User.Read,
                            Mail.Read); needs Privileged Role Administrator or Global Administrator.
                            Without it, the admin-consent link is printed
  --rotate-secrets          add new secrets, write .env, then remove the old ones
  --dry-run                 print what would be created or changed, and change nothing
  -i, --interactive         ask before each step
  --json                    print one JSON object on stdout (progress goes to stderr)
  -h, --help                show this help

Graph and Entra hosts come from GRAPH_BASE_URL, AZURE_AUTHORITY_HOST and AZURE_CLOUD (environment or .env),
as for the server. The signed-in user needs the Application Administrator or Cloud Application
Administrator role. Exit codes: 0 done, 1 failed (what exists is printed; rerun to finish), 2 bad usage.`;

/** Runs the setup command and resolves with its exit code. */
export async function runSetupCommand(args: string[], io: CommandIo = processIo()): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        name: { type: "string", default: DEFAULT_NAME },
        "redirect-uri": { type: "string", multiple: true, default: [] },
        "base-url": { type: "string" },
        "env-file": { type: "string", default: ".env" },
        tenant: { type: "string" },
        "use-az": { type: "boolean", default: false },
        "grant-admin-consent": { type: "boolean", default: false },
        "rotate-secrets": { type: "boolean", default: false },
        "dry-run": { type: "boolean", default: false },
        interactive: { type: "boolean", short: "i", default: false },
        json: { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    io.err(`setup: ${(error as Error).message}\n\n${SETUP_USAGE}`);
    return 2;
  }
  if (values.help) {
    io.out(SETUP_USAGE);
    return 0;
  }
  const problem = usageProblem(values);
  if (problem) {
    io.err(`setup: ${problem}`);
    return 2;
  }
  return await runSetup({
    name: values.name.trim(),
    redirectUris: [...new Set(values["redirect-uri"])],
    baseUrl: values["base-url"] && new URL(values["base-url"]).origin,
    envFile: values["env-file"],
    tenant: values.tenant,
    useAz: values["use-az"],
    grantAdminConsent: values["grant-admin-consent"],
    rotateSecrets: values["rotate-secrets"],
    dryRun: values["dry-run"],
    interactive: values.interactive,
    json: values.json,
  }, io);
}

const LOOPBACK_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);

function usageProblem(
  values: { name: string; "redirect-uri": string[]; "base-url"?: string; tenant?: string },
): string | undefined {
  if (values.name.trim() === "") return "--name must not be empty";
  for (const uri of values["redirect-uri"]) {
    const url = URL.parse(uri);
    // Entra's rule for Web redirect URIs: https, or http on a loopback host; no fragment.
    const allowed = url !== null && url.hash === "" &&
      (url.protocol === "https:" || (url.protocol === "http:" && LOOPBACK_HOSTS.has(url.hostname)));
    if (!allowed) {
      return `--redirect-uri must be an https URL (http only for localhost) without #fragment, got "${uri}"`;
    }
  }
  const baseUrl = values["base-url"];
  if (baseUrl !== undefined) {
    const url = URL.parse(baseUrl);
    if (
      !url || !["http:", "https:"].includes(url.protocol) || url.pathname !== "/" || url.search || url.hash
    ) {
      return `--base-url must be an http(s) origin without a path, like https://mcp.example.com, got "${baseUrl}"`;
    }
  }
  if (values.tenant !== undefined && !/^[A-Za-z0-9.-]+$/.test(values.tenant)) {
    return `--tenant must be a tenant ID or domain name, got "${values.tenant}"`;
  }
  return undefined;
}
