/**
 * Builds the single executable with `deno compile`: `deno task compile` for this machine
 * (`dist/entra-obo-mcp`), `deno task compile:all` for every release target
 * (`dist/entra-obo-mcp-<target>`). The permission flags below are baked into the binary; the tests in
 * `tests/distribution/` run every subcommand of `main.ts` under exactly these flags.
 *
 * Usage: deno run --allow-run --allow-read --allow-env scripts/compile.ts [--all] [--output FILE] [--print]
 *   --all          build every target in {@linkcode TARGETS}
 *   --output FILE  output path when building for this machine (default dist/entra-obo-mcp)
 *   --print        print the `deno compile` command lines instead of running them
 *
 * `deno compile` downloads the matching `denort` runtime once per target and Deno version (internet
 * needed); `DENORT_BIN` points it at a local runtime instead.
 */
import { parseArgs } from "node:util";

/**
 * The permissions of the compiled binary, and the only place they are written down.
 * - `--allow-net`: Entra ID, Microsoft Graph and the listening socket are chosen by configuration.
 * - `--allow-env`: configuration is the environment (`Deno.env.toObject()` needs all of it).
 * - `--allow-read`: `.env`, the client certificate, the federated token file and the emulator's TLS files
 *   are paths given at runtime, and a path in a compiled binary's `--allow-read=` is fixed at build time.
 * - `--allow-write`: `setup` writes the `--env-file` it is given (default `./.env`), again a runtime path.
 * - `--allow-run=az`: `setup --use-az` and `doctor --use-az` run the Azure CLI and nothing else.
 * - `--no-prompt`: a missing permission is an error, never an interactive question (services have no TTY).
 * Nothing else: no `--allow-sys`, `--allow-ffi` or unrestricted `--allow-run`.
 */
export const COMPILE_PERMISSIONS: readonly string[] = [
  "--no-prompt",
  "--allow-net",
  "--allow-env",
  "--allow-read",
  "--allow-write",
  "--allow-run=az",
];

/** Release targets of `deno task compile:all`. */
export const TARGETS: readonly string[] = [
  "x86_64-unknown-linux-gnu",
  "aarch64-unknown-linux-gnu",
  "x86_64-apple-darwin",
  "aarch64-apple-darwin",
  "x86_64-pc-windows-msvc",
];

/** Binary name (without target suffix). */
export const BINARY_NAME = "entra-obo-mcp";

const ROOT = new URL("..", import.meta.url);

/** Options for {@linkcode compileArgs}. */
export interface CompileOptions {
  /** Cross-compilation target; absent builds for this machine. */
  target?: string;
}

/** The `deno` arguments that compile `main.ts` into `output`. */
export function compileArgs(output: string, options: CompileOptions = {}): string[] {
  return [
    "compile",
    ...COMPILE_PERMISSIONS,
    ...(options.target ? ["--target", options.target] : []),
    "--output",
    output,
    "main.ts",
  ];
}

/** Every build of a run: this machine's, or one per target with `all`. */
export function plannedBuilds(options: { all: boolean; output?: string }): string[][] {
  if (!options.all) return [compileArgs(options.output ?? `dist/${BINARY_NAME}`)];
  return TARGETS.map((target) => compileArgs(`dist/${BINARY_NAME}-${target}`, { target }));
}

async function run(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      all: { type: "boolean", default: false },
      output: { type: "string" },
      print: { type: "boolean", default: false },
    },
    strict: true,
  });
  const builds = plannedBuilds({ all: values.all, output: values.output });
  for (const build of builds) {
    console.error(`deno ${build.join(" ")}`);
    if (values.print) {
      console.log(JSON.stringify(build));
      continue;
    }
    const { code } = await new Deno.Command(Deno.execPath(), { args: build, cwd: ROOT.pathname }).spawn()
      .status;
    if (code !== 0) {
      console.error(
        "compile failed. deno compile downloads the denort runtime for each target once (internet needed); " +
          "set DENORT_BIN to use a local one.",
      );
      return code;
    }
  }
  return 0;
}

if (import.meta.main) Deno.exit(await run(Deno.args));
