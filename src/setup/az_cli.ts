/**
 * Reusing an az CLI sign-in: `az account get-access-token --resource-type ms-graph` prints
 * `{"accessToken", "expiresOn", "expires_on", "subscription", "tenant", "tokenType"}` (azure-cli
 * `profile/custom.py`); the token is for the Graph of az's configured cloud.
 */
import { AzCliError } from "./errors.ts";

/** Options for {@linkcode azGraphToken}. */
export interface AzTokenOptions {
  /** Tenant to get the token for (`--tenant`); omitted for az's default tenant. */
  tenant?: string;
}

/** Gets a Graph access token from the az CLI. Throws {@linkcode AzCliError}. */
export async function azGraphToken(options: AzTokenOptions = {}): Promise<string> {
  const args = ["account", "get-access-token", "--resource-type", "ms-graph", "--output", "json"];
  if (options.tenant && !["organizations", "common"].includes(options.tenant.toLowerCase())) {
    args.push("--tenant", options.tenant);
  }
  let output: Deno.CommandOutput;
  try {
    // az is a batch script on Windows.
    output = await new Deno.Command(Deno.build.os === "windows" ? "az.cmd" : "az", {
      args,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      throw new AzCliError(
        "AzNotInstalled",
        "--use-az: the az CLI is not installed or not on PATH. Install it (https://aka.ms/azure-cli) " +
          "or leave out --use-az to sign in with a device code.",
      );
    }
    throw error;
  }
  const stderr = new TextDecoder().decode(output.stderr).trim();
  if (!output.success) {
    if (/az login|not logged in|AADSTS700082|expired/i.test(stderr)) {
      const tenant = args.includes("--tenant") ? ` --tenant ${options.tenant}` : "";
      throw new AzCliError(
        "AzNotSignedIn",
        `--use-az: the az CLI is not signed in (or its sign-in expired). Run "az login${tenant}" and try again.`,
      );
    }
    throw new AzCliError("AzFailed", `--use-az: az exited with ${output.code}: ${stderr.split("\n")[0]}`);
  }
  let parsed: { accessToken?: unknown };
  try {
    parsed = JSON.parse(new TextDecoder().decode(output.stdout));
  } catch {
    throw new AzCliError("AzBadOutput", "--use-az: az account get-access-token did not print JSON");
  }
  if (typeof parsed?.accessToken !== "string" || parsed.accessToken === "") {
    throw new AzCliError("AzBadOutput", "--use-az: az account get-access-token printed no accessToken");
  }
  return parsed.accessToken;
}
