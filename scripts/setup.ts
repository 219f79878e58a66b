/**
 * The setup tool on its own: `deno run --allow-net --allow-env --allow-read --allow-write --allow-run=az
 * scripts/setup.ts [options]` (same as `entra-obo-mcp setup`; see `--help`).
 */
import { runSetupCommand } from "../src/cli/setup_command.ts";

if (import.meta.main) {
  try {
    Deno.exitCode = await runSetupCommand(Deno.args);
  } catch (error) {
    console.error(`setup: ${error instanceof Error ? error.message : error}`);
    Deno.exitCode = 1;
  }
}
