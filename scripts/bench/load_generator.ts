/**
 * The benchmark's load generator, run as its own process (`deno run --allow-net=127.0.0.1`): it reads one
 * {@linkcode LoadJob} per stdin line and answers one {@linkcode LoadResult} per stdout line.
 *
 * Why a separate process: on a 2-core machine the client's own work (building requests, parsing
 * responses, timers) must not share an event loop with the emulator that the benchmark process hosts, or
 * the tools/call figures would measure the emulator's queueing rather than the server. Clients use
 * `fetch`, which keeps connections alive (one per concurrent client), as MCP gateways do.
 */
import { readLines } from "./lines.ts";
import type { LoadJob, LoadResult } from "./load_protocol.ts";
import { percentile } from "./stats.ts";

/** Runs one job. */
export async function runLoad(job: LoadJob): Promise<LoadResult> {
  const start = performance.now();
  const measureFrom = start + job.warmupMs;
  const stopAt = measureFrom + job.durationMs;
  const latencies: number[] = [];
  let total = 0;
  let errors = 0;
  let errorSample: string | undefined;
  let lastEnd = measureFrom;

  async function client(index: number): Promise<void> {
    const headers = {
      authorization: `Bearer ${job.tokens[index % job.tokens.length]}`,
      accept: "application/json, text/event-stream",
      "content-type": "application/json",
      "mcp-protocol-version": "2025-06-18",
    };
    for (let sent = 0; job.once ? sent < 1 : performance.now() < stopAt; sent++) {
      const sentAt = performance.now();
      let ok = false;
      try {
        const response = await fetch(job.url, { method: "POST", headers, body: job.body });
        const text = await response.text();
        ok = response.status === 200 && text.includes(job.expect);
        if (!ok) errorSample ??= `${response.status} ${text.slice(0, 300)}`;
      } catch (error) {
        errorSample ??= String(error);
      }
      const done = performance.now();
      total++;
      if (!ok) errors++;
      if (sentAt >= measureFrom) {
        latencies.push(done - sentAt);
        lastEnd = Math.max(lastEnd, done);
      }
    }
  }

  await Promise.all(Array.from({ length: job.concurrency }, (_, i) => client(i)));
  const sorted = Float64Array.from(latencies).sort();
  return {
    requests: latencies.length,
    total,
    errors,
    errorSample,
    requestsPerSecond: latencies.length / ((lastEnd - measureFrom) / 1000),
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
  };
}

if (import.meta.main) {
  const encoder = new TextEncoder();
  const writer = Deno.stdout.writable.getWriter();
  for await (const line of readLines(Deno.stdin.readable)) {
    if (line.trim() === "") continue;
    const result = await runLoad(JSON.parse(line) as LoadJob);
    await writer.write(encoder.encode(`${JSON.stringify(result)}\n`));
  }
}
