/**
 * `main.ts serve` as a child process, configured against an in-process emulator, with exactly the
 * compiled binary's permission flags.
 */
import { freePort } from "../../scripts/bench/server_process.ts";
import { COMPILE_PERMISSIONS } from "../../scripts/compile.ts";
import type { EmulatorHandle } from "../../src/emulator/mod.ts";
import { serverEnvironmentFor } from "../../src/emulator/server_env.ts";
import { type Child, spawnDeno } from "../helpers/process.ts";

export { freePort };

/** A running `serve` child. */
export interface ServeChild {
  child: Child;
  url: string;
  mcpUrl: string;
  [Symbol.asyncDispose](): Promise<void>;
}

/** The environment that points the server at `emulator` on `port`. */
export function serverEnv(emulator: EmulatorHandle, port: number): Record<string, string> {
  return serverEnvironmentFor(emulator.config, {
    baseUrl: `http://127.0.0.1:${port}`,
    host: "127.0.0.1",
    port,
  });
}

/**
 * Starts `deno run <compile flags> main.ts serve <args>` and resolves once it logged `server_info`.
 * `env`, when given, replaces the environment that points the server at `emulator` on `port`.
 */
export async function startServeChild(
  emulator: EmulatorHandle,
  options: { args?: string[]; env?: Record<string, string>; port?: number } = {},
): Promise<ServeChild> {
  const port = options.port ?? freePort();
  const env = options.env ?? serverEnv(emulator, port);
  const child = spawnDeno(["run", ...COMPILE_PERMISSIONS, "main.ts", "serve", ...(options.args ?? [])], env);
  try {
    await child.stderrLine(/"msg":"server_info"/);
  } catch (error) {
    await child.stop("SIGKILL");
    throw error;
  }
  const url = `http://127.0.0.1:${port}`;
  return {
    child,
    url,
    mcpUrl: `${url}/mcp`,
    [Symbol.asyncDispose]: async () => {
      await child.stop("SIGKILL");
    },
  };
}
