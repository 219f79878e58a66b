/** Servers under test as child processes: start, wait until `/healthz` answers 200, read RSS, stop. */
import { readLines } from "./lines.ts";

/** A server child process. */
export interface ServerProcess {
  name: string;
  url: string;
  pid: number;
  /** Milliseconds from spawn to the first `/healthz` 200. */
  startupMs: number;
  /** Resident set size (`VmRSS` of /proc/<pid>/status) in bytes. */
  rss(): Promise<number>;
  stop(): Promise<void>;
}

/** How to start one server. */
export interface ServerSpec {
  name: string;
  /** `deno` arguments, e.g. `["run", ...flags, "main.ts", "serve"]`. */
  args: string[];
  /** Environment (added to PATH/HOME/DENO_DIR); must make the server listen on 127.0.0.1:`port`. */
  env: Record<string, string>;
  port: number;
}

const ROOT = new URL("../..", import.meta.url).pathname;

/** A port that was free a moment ago on 127.0.0.1. */
export function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return port;
}

/** Starts `spec` and resolves once `/healthz` answered 200 (polling every 2 ms). */
export async function startServer(
  spec: ServerSpec,
  options: { timeoutMs?: number } = {},
): Promise<ServerProcess> {
  const env: Record<string, string> = { NO_COLOR: "1", ...spec.env };
  for (const name of ["HOME", "PATH", "DENO_DIR", "XDG_CACHE_HOME"]) {
    const value = Deno.env.get(name);
    if (value !== undefined) env[name] ??= value;
  }
  const url = `http://127.0.0.1:${spec.port}`;
  const started = performance.now();
  const child = new Deno.Command(Deno.execPath(), {
    args: spec.args,
    cwd: ROOT,
    env,
    clearEnv: true,
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const forwarding = forwardStderr(spec.name, child.stderr);
  const deadline = started + (options.timeoutMs ?? 30_000);
  const exited = Promise.all([child.status, forwarding]).then(([status]) => status);
  let exitedEarly = false;
  exited.then(() => exitedEarly = true);
  while (true) {
    if (exitedEarly) throw new Error(`${spec.name} exited before answering /healthz`);
    try {
      const response = await fetch(`${url}/healthz`);
      await response.body?.cancel();
      if (response.status === 200) break;
    } catch {
      // not listening yet
    }
    if (performance.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`${spec.name} did not answer /healthz in time`);
    }
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  const startupMs = performance.now() - started;
  return {
    name: spec.name,
    url,
    pid: child.pid,
    startupMs,
    rss: () => residentSetSize(child.pid),
    async stop() {
      try {
        child.kill("SIGTERM");
      } catch {
        // already gone
      }
      await exited;
    },
  };
}

/** Lines a child prints that say nothing about the benchmark. */
const NOISE =
  /^(Debugger listening on |Visit chrome:\/\/inspect|Debugger session |Info Failed to resolve 'az')/;

/** Copies a child's stderr to ours, prefixed with its name, without the noise. */
async function forwardStderr(name: string, stderr: ReadableStream<Uint8Array>): Promise<void> {
  for await (const line of readLines(stderr)) {
    if (!NOISE.test(line)) console.error(`[${name}] ${line}`);
  }
}

/** `VmRSS` of a process in bytes (Linux). */
export async function residentSetSize(pid: number): Promise<number> {
  const status = await Deno.readTextFile(`/proc/${pid}/status`);
  const kib = Number(status.match(/^VmRSS:\s+(\d+) kB$/m)?.[1]);
  if (!Number.isFinite(kib)) throw new Error(`no VmRSS for ${pid}`);
  return kib * 1024;
}
