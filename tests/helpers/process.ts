/** Running `main.ts` (or `deno serve main.ts`) as a child process and reading its output line by line. */
import { TextLineStream } from "./text_line_stream.ts";

/** The environment a child needs to find Deno's cache, plus nothing of the developer's configuration. */
function baseEnv(): Record<string, string> {
  const env: Record<string, string> = { NO_COLOR: "1" };
  for (const name of ["HOME", "PATH", "DENO_DIR", "XDG_CACHE_HOME"]) {
    const value = Deno.env.get(name);
    if (value !== undefined) env[name] = value;
  }
  return env;
}

/** The permission flags the deno.json tasks use for the server commands. */
export const SERVER_FLAGS = ["--allow-net", "--allow-env", "--allow-read"];

/** A running child process. */
export interface Child {
  process: Deno.ChildProcess;
  /** Resolves with the first stdout line matching `pattern` (rejects after `timeoutMs`). */
  stdoutLine(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** Resolves with the first stderr line matching `pattern`. */
  stderrLine(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** All output so far. */
  output(): { stdout: string[]; stderr: string[] };
  /** Sends `signal` and resolves with the exit code. */
  stop(signal?: Deno.Signal): Promise<number>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** Spawns `deno <args>` in the repository root with `env` added to a minimal environment. */
export function spawnDeno(args: string[], env: Record<string, string> = {}): Child {
  const process = new Deno.Command(Deno.execPath(), {
    args,
    cwd: new URL("../..", import.meta.url).pathname,
    env: { ...baseEnv(), ...env },
    clearEnv: true,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const lines = { stdout: [] as string[], stderr: [] as string[] };
  const waiters: Array<{ stream: "stdout" | "stderr"; pattern: RegExp; resolve: (line: string) => void }> =
    [];
  const pump = async (stream: "stdout" | "stderr", readable: ReadableStream<Uint8Array>) => {
    for await (
      const line of readable.pipeThrough(new TextDecoderStream()).pipeThrough(new TextLineStream())
    ) {
      lines[stream].push(line);
      for (const waiter of waiters.filter((w) => w.stream === stream && w.pattern.test(line))) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(line);
      }
    }
  };
  const pumping = Promise.all([pump("stdout", process.stdout), pump("stderr", process.stderr)]);
  const waitFor = (stream: "stdout" | "stderr", pattern: RegExp, timeoutMs = 20_000) => {
    const existing = lines[stream].find((l) => pattern.test(l));
    if (existing) return Promise.resolve(existing);
    return new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(
          new Error(
            `no ${stream} line matching ${pattern} within ${timeoutMs} ms; got:\n${
              lines.stdout.join("\n")
            }\n${lines.stderr.join("\n")}`,
          ),
        );
      }, timeoutMs);
      waiters.push({
        stream,
        pattern,
        resolve: (line) => {
          clearTimeout(timer);
          resolve(line);
        },
      });
    });
  };
  let exited: Promise<number> | undefined;
  const stop = (signal: Deno.Signal = "SIGTERM") => {
    exited ??= (async () => {
      try {
        process.kill(signal);
      } catch {
        // already exited
      }
      const { code } = await process.status;
      await pumping;
      return code;
    })();
    return exited;
  };
  return {
    process,
    stdoutLine: (pattern, timeoutMs) => waitFor("stdout", pattern, timeoutMs),
    stderrLine: (pattern, timeoutMs) => waitFor("stderr", pattern, timeoutMs),
    output: () => lines,
    stop,
    [Symbol.asyncDispose]: async () => {
      await stop("SIGKILL");
    },
  };
}

/** Runs `deno <args>` to completion and returns its exit code and output. */
export async function runDeno(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args,
    cwd: new URL("../..", import.meta.url).pathname,
    env: { ...baseEnv(), ...env },
    clearEnv: true,
    stdin: "null",
  }).output();
  return { code, stdout: new TextDecoder().decode(stdout), stderr: new TextDecoder().decode(stderr) };
}
