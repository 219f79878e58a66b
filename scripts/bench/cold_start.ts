/** Cold start: milliseconds from spawning a server process to its first `/healthz` 200. */
import type { EmulatorHandle } from "../../src/emulator/mod.ts";
import { freePort, startServer } from "./server_process.ts";
import type { ServerName } from "./servers.ts";
import { serverSpec } from "./servers.ts";
import { median } from "./stats.ts";

/** Cold-start samples of one server. */
export interface ColdStart {
  server: ServerName;
  samplesMs: number[];
  medianMs: number;
  /** Median milliseconds from spawn to the first `/readyz` 200 (servers that have one). */
  readyMedianMs?: number;
}

/**
 * Starts and stops each of `servers` `runs` times, taking turns so that a slow moment of the machine does
 * not land on one server only. Modules are already in Deno's cache, as after installation.
 */
export async function measureColdStarts(
  servers: ServerName[],
  emulator: EmulatorHandle,
  runs: number,
): Promise<ColdStart[]> {
  const samples = new Map(servers.map((server) => [server, [] as number[]]));
  const ready = new Map(servers.map((server) => [server, [] as number[]]));
  for (let run = 0; run < runs; run++) {
    for (const server of servers) {
      const process = await startServer(serverSpec(server, emulator, freePort()));
      samples.get(server)!.push(process.startupMs);
      // Ours answers /healthz before loading the MCP stack; readiness (/readyz) is reported as well.
      if (server === "ours") ready.get(server)!.push(process.startupMs + await msUntilReady(process.url));
      await process.stop();
    }
  }
  return servers.map((server) => {
    const samplesMs = samples.get(server)!;
    const readyMs = ready.get(server)!;
    return {
      server,
      samplesMs,
      medianMs: median(samplesMs),
      readyMedianMs: readyMs.length ? median(readyMs) : undefined,
    };
  });
}

/** Milliseconds until `/readyz` answers 200 (polling every 2 ms). */
async function msUntilReady(url: string): Promise<number> {
  const started = performance.now();
  while (true) {
    const response = await fetch(`${url}/readyz`);
    await response.body?.cancel();
    if (response.status === 200) return performance.now() - started;
    if (performance.now() - started > 30_000) throw new Error("/readyz did not answer 200 within 30 s");
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}
