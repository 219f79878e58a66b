/**
 * entra-obo-mcp: an MCP server that calls Microsoft Graph on behalf of the signed-in Entra ID user.
 *
 * Subcommands: `serve` (default), `setup`, `doctor`, `demo`, `emulator`. Run with `--help` for details.
 */
import { runEmulatorCommand } from "./src/emulator/cli.ts";
import { VERSION } from "./src/version.ts";

const USAGE = `entra-obo-mcp ${VERSION}

Usage: entra-obo-mcp [command] [options]

Commands:
  serve      run the MCP server (default)
  setup      create or update the Entra ID app registrations
  doctor     check a live configuration
  demo       run the emulator and the server together, with instructions
  emulator   run the local Entra ID + Microsoft Graph emulator

Options:
  -h, --help     show this help (or a command's: entra-obo-mcp <command> --help)
  -V, --version  print the version`;

/** Runs the command line and returns the process exit code. */
export async function main(args: string[]): Promise<number> {
  const [first, ...rest] = args;
  if (first === "--help" || first === "-h" || first === "help") {
    console.log(USAGE);
    return 0;
  }
  if (first === "--version" || first === "-V") {
    console.log(`entra-obo-mcp ${VERSION} (deno ${Deno.version.deno})`);
    return 0;
  }
  const command = first === undefined || first.startsWith("-") ? "serve" : first;
  const commandArgs = command === first ? rest : args;
  switch (command) {
    case "emulator":
      return await runEmulatorCommand(commandArgs);
    case "serve":
    case "setup":
    case "doctor":
    case "demo":
      console.error(`entra-obo-mcp: "${command}" is not available yet in this build`);
      return 2;
    default:
      console.error(`entra-obo-mcp: unknown command "${command}"\n\n${USAGE}`);
      return 2;
  }
}

if (import.meta.main) {
  try {
    Deno.exitCode = await main(Deno.args);
  } catch (error) {
    console.error(`entra-obo-mcp: ${error instanceof Error ? error.message : error}`);
    Deno.exitCode = 1;
  }
}
