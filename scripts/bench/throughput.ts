/** Warm throughput and latency of one server: tools/list and tools/call hello at several concurrencies. */
import type { LoadGenerator } from "./load_client.ts";
import type { LoadJob, LoadResult } from "./load_protocol.ts";
import type { ServerName } from "./servers.ts";

/** The two measured MCP requests. */
export const METHODS = {
  "tools/list": {
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list", params: {} }),
    expect: '"list_junk_emails"',
  },
  "tools/call hello": {
    body: JSON.stringify({
      jsonrpc: "2.0",
      id: 1,
      method: "tools/call",
      params: { name: "hello", arguments: {} },
    }),
    expect: "Hello, ",
  },
} as const;

/** A measured method. */
export type MethodName = keyof typeof METHODS;

/** One measured scenario. */
export interface ThroughputRow extends LoadResult {
  server: ServerName;
  method: MethodName;
  concurrency: number;
}

/** A running server to measure. */
export interface ServerUnderTest {
  name: ServerName;
  mcpUrl: string;
}

/** OBO exchanges a server made during its tools/call scenarios. */
export interface OboCount {
  exchanges: number;
  /** Completed tools/call requests, warm-up included. */
  toolCalls: number;
  distinctTokens: number;
}

/** Options for {@linkcode measureThroughput}. */
export interface ThroughputOptions {
  load: LoadGenerator;
  /** One token per concurrent client (distinct users). */
  tokens: string[];
  concurrencies: readonly number[];
  durationMs: number;
  warmupMs: number;
  /** Reads the emulator's OBO exchange counter. */
  oboCount: () => number;
  /** Called after each scenario (progress output). */
  onRow?: (row: ThroughputRow) => void;
}

/** What the scenarios measured. */
export interface ThroughputRun {
  rows: ThroughputRow[];
  /** Per server that made any OBO exchange or tool call. */
  obo: Partial<Record<ServerName, OboCount>>;
}

/**
 * Measures every method at every concurrency. The servers take turns scenario by scenario, so a change in
 * the machine's background load during the run affects all of them alike; only one is ever under load.
 * Before a method is measured, every client's token is sent once, so caches (where a server has them) are
 * warm. OBO exchanges are attributed to the server that was under load when the emulator counted them.
 */
export async function measureThroughput(
  servers: ServerUnderTest[],
  options: ThroughputOptions,
): Promise<ThroughputRun> {
  const rows: ThroughputRow[] = [];
  const obo: ThroughputRun["obo"] = {};
  const run = async (
    server: ServerUnderTest,
    method: MethodName,
    shape: Omit<LoadJob, "url" | "body" | "expect" | "tokens">,
  ) => {
    const oboBefore = options.oboCount();
    const result = await options.load.run({
      url: server.mcpUrl,
      ...METHODS[method],
      tokens: options.tokens,
      ...shape,
    });
    if (method === "tools/call hello") {
      const count = obo[server.name] ??= {
        exchanges: 0,
        toolCalls: 0,
        distinctTokens: options.tokens.length,
      };
      count.exchanges += options.oboCount() - oboBefore;
      count.toolCalls += result.total;
    }
    return result;
  };
  for (const method of Object.keys(METHODS) as MethodName[]) {
    for (const server of servers) {
      const warming = await run(server, method, {
        concurrency: options.tokens.length,
        warmupMs: 0,
        durationMs: 0,
        once: true,
      });
      if (warming.errors > 0) throw new Error(`${server.name} ${method} failed: ${warming.errorSample}`);
    }
    for (const concurrency of options.concurrencies) {
      for (const server of servers) {
        const result = await run(server, method, {
          concurrency,
          warmupMs: options.warmupMs,
          durationMs: options.durationMs,
        });
        const row = { server: server.name, method, concurrency, ...result };
        rows.push(row);
        options.onRow?.(row);
      }
    }
  }
  return { rows, obo };
}
