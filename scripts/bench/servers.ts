/** The three servers the benchmark compares, as child-process specs with the same `deno run` flags. */
import { COMPILE_PERMISSIONS } from "../compile.ts";
import type { EmulatorHandle } from "../../src/emulator/mod.ts";
import { serverEnvironmentFor } from "../../src/emulator/server_env.ts";
import type { ServerSpec } from "./server_process.ts";

/** Which server. */
export type ServerName = "ours" | "naive" | "bare";

/** Every server, in report order. */
export const SERVER_NAMES: readonly ServerName[] = ["ours", "naive", "bare"];

/** The compiled binary's permission flags, used for every child so startup work is comparable. */
const RUN = ["run", ...COMPILE_PERMISSIONS];

/** The configuration of a server against `emulator`, listening on 127.0.0.1:`port`. */
function serverEnv(emulator: EmulatorHandle, port: number): Record<string, string> {
  return {
    ...serverEnvironmentFor(emulator.config, {
      baseUrl: `http://127.0.0.1:${port}`,
      host: "127.0.0.1",
      port,
    }),
    // No per-request access log: the baselines write none either.
    LOG_LEVEL: "warn",
  };
}

/** How to start `name` on `port`. */
export function serverSpec(name: ServerName, emulator: EmulatorHandle, port: number): ServerSpec {
  switch (name) {
    case "ours":
      return { name, port, args: [...RUN, "main.ts", "serve"], env: serverEnv(emulator, port) };
    case "naive":
      return { name, port, args: [...RUN, "scripts/bench/naive_server.ts"], env: serverEnv(emulator, port) };
    case "bare":
      return { name, port, args: [...RUN, "scripts/bench/bare_server.ts"], env: { PORT: String(port) } };
  }
}
