/**
 * `deno task bench`: how fast the MCP server is, against two baselines measured in the same run.
 *
 *   ours   `main.ts serve` (verified-token cache, OBO cache, pooled MCP server instances)
 *   naive  scripts/bench/naive_server.ts: jose `jwtVerify` on every request, a new `McpServer` and transport
 *          per request, an OBO exchange on every tool call (the Python reference's design)
 *   bare   scripts/bench/bare_server.ts: `Deno.serve` answering a fixed JSON-RPC result (the ceiling)
 *
 * Every server runs as a child process with the compiled binary's `deno run` flags, against the emulator
 * (in this process) on loopback; the load comes from a separate child process (load_generator.ts).
 * Prints a table to stderr and the results as JSON to stdout (`--json FILE` also saves them).
 *
 * Usage: deno task bench [--duration SECONDS] [--warmup SECONDS] [--users N] [--cold-runs N] [--json FILE]
 *   --duration   measured seconds per scenario (default 2); --warmup: unmeasured seconds before it (0.3)
 *   --users      new users in the memory phase (default 11000: 10,000 fill both per-user caches to their
 *                limit, the last 1,000 show that memory stops growing); 0 skips the phase
 *   --cold-runs  cold starts per server (default 5; the median is reported)
 *
 * `deno task bench` runs with -A: it starts `deno` child processes (which `--allow-run` would allow
 * anyway, and that is all permissions) and reads `/proc/<pid>/status`, which Deno only allows with -A.
 */
import { parseArgs } from "node:util";
import { type EmulatorHandle, startEmulator } from "../src/emulator/mod.ts";
import { measureColdStarts } from "./bench/cold_start.ts";
import { type LoadGenerator, startLoadGenerator } from "./bench/load_client.ts";
import { measureMemory } from "./bench/memory.ts";
import { type Measurements, summarize } from "./bench/results.ts";
import { renderTable } from "./bench/report.ts";
import { freePort, type ServerProcess, startServer } from "./bench/server_process.ts";
import { SERVER_NAMES, serverSpec } from "./bench/servers.ts";
import { accessTokenFor, addUsers } from "./bench/synthetic_users.ts";
import { measureThroughput } from "./bench/throughput.ts";

const CONCURRENCIES = [1, 16, 64] as const;

async function main(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      duration: { type: "string", default: "2" },
      warmup: { type: "string", default: "0.3" },
      users: { type: "string", default: "11000" },
      "cold-runs": { type: "string", default: "5" },
      json: { type: "string" },
    },
    strict: true,
  });
  const settings = {
    durationSeconds: Number(values.duration),
    warmupSeconds: Number(values.warmup),
    concurrencies: [...CONCURRENCIES],
    users: Number(values.users),
    checkpointEvery: 2500,
    coldStartRuns: Number(values["cold-runs"]),
  };
  for (const name of ["duration", "warmup", "users", "cold-runs"] as const) {
    if (!(Number(values[name]) >= 0)) {
      console.error(`bench: --${name} must be a number >= 0, got "${values[name]}"`);
      return 2;
    }
  }
  const started = performance.now();
  const progress = (line: string) =>
    console.error(`[${((performance.now() - started) / 1000).toFixed(1)}s] ${line}`);

  await using emulator = await startEmulator();
  const clients = addUsers(emulator, Math.max(...CONCURRENCIES), "c");
  const tokens = await Promise.all(clients.map((user) => accessTokenFor(emulator, user)));
  const load = startLoadGenerator();

  let measured: Pick<Measurements, "throughput" | "obo">;
  let memory: Measurements["memory"];
  try {
    measured = await measureServers(emulator, { load, tokens, settings, progress });
    if (settings.users > 0) {
      progress(`memory: ${settings.users} new users, one tools/call hello each`);
      memory = await measureMemory(emulator, {
        users: settings.users,
        checkpointEvery: settings.checkpointEvery,
        concurrency: 16,
        load,
        warmupTokens: tokens,
        oboCount: () => oboCount(emulator),
      });
    }
  } finally {
    await load.close();
  }

  progress("cold start");
  const [ours, bare] = await measureColdStarts(["ours", "bare"], emulator, settings.coldStartRuns);
  const coldStart = { ours, bare };
  const results = summarize({
    settings,
    ...measured,
    coldStart,
    memory,
    elapsedSeconds: (performance.now() - started) / 1000,
  });
  console.error(renderTable(results));
  const json = JSON.stringify(results, null, 2);
  console.log(json);
  if (values.json) await Deno.writeTextFile(values.json, `${json}\n`);
  return results.throughput.some((row) => row.errors > 0) ? 1 : 0;
}

/** Starts the three servers and measures their throughput, taking turns (see measureThroughput). */
async function measureServers(
  emulator: EmulatorHandle,
  options: {
    load: LoadGenerator;
    tokens: string[];
    settings: Measurements["settings"];
    progress: (line: string) => void;
  },
): Promise<Pick<Measurements, "throughput" | "obo">> {
  const { settings, progress } = options;
  const servers: ServerProcess[] = [];
  try {
    for (const name of SERVER_NAMES) servers.push(await startServer(serverSpec(name, emulator, freePort())));
    const run = await measureThroughput(
      SERVER_NAMES.map((name, i) => ({ name, mcpUrl: `${servers[i].url}/mcp` })),
      {
        load: options.load,
        tokens: options.tokens,
        concurrencies: settings.concurrencies,
        durationMs: settings.durationSeconds * 1000,
        warmupMs: settings.warmupSeconds * 1000,
        oboCount: () => oboCount(emulator),
        onRow: (row) =>
          progress(
            `${row.server} ${row.method} x${row.concurrency}: ${row.requestsPerSecond.toFixed(0)} req/s` +
              (row.errors ? ` (${row.errors} errors: ${row.errorSample})` : ""),
          ),
      },
    );
    return { throughput: run.rows, obo: run.obo };
  } finally {
    for (const server of servers) await server.stop();
  }
}

/** OBO exchanges the emulator has answered. */
function oboCount(emulator: EmulatorHandle): number {
  return emulator.state.stats.get("token:jwt-bearer") ?? 0;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
