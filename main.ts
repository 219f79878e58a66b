/**
 * entra-obo-mcp: an MCP server that calls Microsoft Graph on behalf of the signed-in Entra ID user.
 *
 * As a program: `entra-obo-mcp [serve|setup|doctor|demo|emulator] [options]` (`serve` is the default).
 * As a module: the default export `{ fetch }` serves the MCP endpoint, for `deno serve main.ts` and
 * Deno Deploy, configured from the environment.
 */
import { createLazyFetch } from "./src/http/lazy_app.ts";
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
    // Commands are loaded on demand so each pays only for its own modules (the MCP SDK alone takes most
    // of a cold start); the specifiers are literal, so `deno compile` still bundles them all.
    case "serve":
      return await (await import("./src/cli/serve_command.ts")).runServeCommand(commandArgs);
    case "emulator":
      return await (await import("./src/cli/emulator_command.ts")).runEmulatorCommand(commandArgs);
    case "demo":
      return await (await import("./src/cli/demo_command.ts")).runDemoCommand(commandArgs);
    case "setup":
      return await (await import("./src/cli/setup_command.ts")).runSetupCommand(commandArgs);
    case "doctor":
      return await (await import("./src/cli/doctor_command.ts")).runDoctorCommand(commandArgs);
    default:
      console.error(`entra-obo-mcp: unknown command "${command}"\n\n${USAGE}`);
      return 2;
  }
}

const declarative = { fetch: createLazyFetch() };

/** `deno serve main.ts` / Deno Deploy entry point. */
export default declarative satisfies Deno.ServeDefaultExport;

// `deno serve` and `deno run` look the same from inside (import.meta.main is true for both), so the
// command line runs when it was given a command or is the compiled binary; a bare `deno serve main.ts`
// (or Deno Deploy) gets the declarative server only.
if (import.meta.main && (Deno.args.length > 0 || Deno.build.standalone)) {
  // Without its `fetch`, Deno neither serves the export nor warns "did you mean deno serve?".
  delete (declarative as { fetch?: unknown }).fetch;
  try {
    Deno.exitCode = await main(Deno.args);
  } catch (error) {
    console.error(`entra-obo-mcp: ${error instanceof Error ? error.message : error}`);
    Deno.exitCode = 1;
  }
}
