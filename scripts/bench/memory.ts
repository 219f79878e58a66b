/**
 * Memory with many users. A fresh `main.ts serve` (the benchmark's flags plus `--inspect` on loopback, used
 * only to force garbage collection before each reading) is warmed up, then `users` new users each make one
 * `tools/call hello` with their own token, so the verified-token cache and the OBO cache hold one entry per
 * user up to their limit. RSS (`VmRSS`) and the V8 heap in use are read after every `checkpointEvery`
 * users. The calls come from this process: only the server's memory is measured here, not its speed.
 */
import type { DirectoryUser } from "../../src/emulator/directory.ts";
import type { EmulatorHandle } from "../../src/emulator/mod.ts";
import { connectInspector, type Inspector } from "./inspector.ts";
import type { LoadGenerator } from "./load_client.ts";
import { freePort, type ServerProcess, startServer } from "./server_process.ts";
import { serverSpec } from "./servers.ts";
import { accessTokenFor, createUsers } from "./synthetic_users.ts";
import { METHODS } from "./throughput.ts";

/** One reading. */
export interface MemoryReading {
  /** Users that had made their call when this was read (0: after warm-up). */
  users: number;
  rssBytes: number;
  heapUsedBytes: number;
}

/** What the memory phase measured. */
export interface MemoryRun {
  users: number;
  /** After warm-up, then after every `checkpointEvery` users. */
  readings: MemoryReading[];
  /** OBO exchanges the emulator saw for the new users. */
  oboExchanges: number;
  seconds: number;
}

/** Options for {@linkcode measureMemory}. */
export interface MemoryOptions {
  users: number;
  checkpointEvery: number;
  /** Calls in flight at once. */
  concurrency: number;
  /** Warms the server up (JIT, pools) the way the throughput phase does. */
  load: LoadGenerator;
  /** Tokens of the warm-up clients. */
  warmupTokens: string[];
  /** Reads the emulator's OBO exchange counter. */
  oboCount: () => number;
}

/** Runs the memory phase against a server of its own. */
export async function measureMemory(emulator: EmulatorHandle, options: MemoryOptions): Promise<MemoryRun> {
  const started = performance.now();
  const inspectPort = freePort();
  const spec = serverSpec("ours", emulator, freePort());
  spec.args.splice(1, 0, `--inspect=127.0.0.1:${inspectPort}`);
  const server = await startServer(spec);
  const inspector = await connectInspector(inspectPort);
  try {
    for (const method of Object.values(METHODS)) {
      const job = { url: `${server.url}/mcp`, ...method, tokens: options.warmupTokens };
      const warmup = await options.load.run({
        ...job,
        concurrency: options.warmupTokens.length,
        warmupMs: 0,
        durationMs: 1000,
      });
      if (warmup.errors > 0) throw new Error(`memory warm-up failed: ${warmup.errorSample}`);
    }
    const readings = [await read(server, inspector, 0)];
    const oboBefore = options.oboCount();
    const users = createUsers(emulator, options.users, "m");
    for (let start = 0; start < users.length; start += options.checkpointEvery) {
      const batch = users.slice(start, start + options.checkpointEvery);
      // The emulator finds users by a linear scan; the batch about to call goes first, so the emulator's
      // cost per call (which is not what this measures) does not grow with the directory.
      emulator.state.directory.users.unshift(...batch);
      let next = 0;
      await Promise.all(Array.from({ length: options.concurrency }, async () => {
        while (next < batch.length) await helloAs(server.url, emulator, batch[next++]);
      }));
      readings.push(await read(server, inspector, start + batch.length));
    }
    return {
      users: users.length,
      readings,
      oboExchanges: options.oboCount() - oboBefore,
      seconds: (performance.now() - started) / 1000,
    };
  } finally {
    inspector.close();
    await server.stop();
  }
}

async function read(server: ServerProcess, inspector: Inspector, users: number): Promise<MemoryReading> {
  await inspector.collectGarbage();
  return { users, rssBytes: await server.rss(), heapUsedBytes: await inspector.heapUsed() };
}

async function helloAs(url: string, emulator: EmulatorHandle, user: DirectoryUser): Promise<void> {
  const response = await fetch(`${url}/mcp`, {
    method: "POST",
    headers: {
      authorization: `Bearer ${await accessTokenFor(emulator, user)}`,
      accept: "application/json, text/event-stream",
      "content-type": "application/json",
      "mcp-protocol-version": "2025-06-18",
    },
    body: METHODS["tools/call hello"].body,
  });
  const text = await response.text();
  if (!text.includes(`Hello, ${user.displayName}!`)) {
    throw new Error(`hello as ${user.userPrincipalName} failed: ${response.status} ${text.slice(0, 300)}`);
  }
}
