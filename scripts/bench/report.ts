/** The human-readable table of a benchmark run (the JSON on stdout has every figure). */
import type { BenchResults } from "./results.ts";
import { round } from "./stats.ts";
import type { MethodName } from "./throughput.ts";

function pad(cells: Array<string | number>, widths: number[]): string {
  return cells.map((cell, i) => i === 0 ? String(cell).padEnd(widths[i]) : String(cell).padStart(widths[i]))
    .join("  ");
}

/** Renders the run as a Markdown-compatible table followed by ratios and targets. */
export function renderTable(results: BenchResults): string {
  const { throughput, settings } = results;
  const lines: string[] = [];
  const widths = [18, 7, 9, 7, 7, 9, 7, 7, 9, 7, 7];
  lines.push(
    `entra-obo-mcp benchmark: ${results.machine.cpus} CPUs, Deno ${results.machine.deno}, ` +
      `${settings.durationSeconds} s per scenario, run took ${round(results.elapsedSeconds)} s`,
    "",
    pad(["", "", "ours", "", "", "naive", "", "", "bare", "", ""], widths),
    pad([
      "request",
      "clients",
      "req/s",
      "p50 ms",
      "p99 ms",
      "req/s",
      "p50 ms",
      "p99 ms",
      "req/s",
      "p50 ms",
      "p99 ms",
    ], widths),
  );
  for (const method of ["tools/list", "tools/call hello"] as MethodName[]) {
    for (const concurrency of settings.concurrencies) {
      const cells: Array<string | number> = [method, concurrency];
      for (const server of ["ours", "naive", "bare"]) {
        const row = throughput.find((r) =>
          r.server === server && r.method === method && r.concurrency === concurrency
        );
        cells.push(
          row ? Math.round(row.requestsPerSecond) : "-",
          row ? round(row.p50Ms, 2) : "-",
          row ? round(row.p99Ms, 2) : "-",
        );
      }
      lines.push(pad(cells, widths));
    }
  }
  lines.push("", "ratios (ours ÷ baseline, req/s):");
  for (const ratio of results.ratios.throughput) {
    lines.push(
      `  ${ratio.method.padEnd(17)} x${
        String(ratio.concurrency).padEnd(3)
      } ours/naive ${ratio.oursVsNaive}  ours/bare ${ratio.oursVsBare}`,
    );
  }
  const { ours, bare } = results.coldStart;
  lines.push(
    `cold start to /healthz 200 (median of ${settings.coldStartRuns}): ours ${round(ours.medianMs)} ms, ` +
      `bare ${round(bare.medianMs)} ms, ratio ${results.ratios.coldStart}` +
      (ours.readyMedianMs === undefined
        ? ""
        : `; ours ready (/readyz 200, MCP stack loaded) ${round(ours.readyMedianMs)} ms`),
  );
  for (const name of ["ours", "naive"] as const) {
    const count = results.obo[name];
    if (count) {
      lines.push(
        `OBO exchanges (${name}): ${count.exchanges} over ${count.toolCalls} tool calls with ${count.distinctTokens} ` +
          `tokens = ${results.ratios.oboPerThousandCalls[name]} per 1,000 calls`,
      );
    }
  }
  const summary = results.memorySummary;
  if (results.memory && summary) {
    lines.push(
      `memory (ours, after a full GC): warm RSS ${summary.warm.rssMiB} MiB, heap ${summary.warm.heapMiB} MiB; ` +
        `after ${summary.atLimit.users} users RSS ${summary.atLimit.rssMiB} MiB, heap ${summary.atLimit.heapMiB} MiB; ` +
        `after ${summary.pastLimit.users} users RSS ${summary.pastLimit.rssMiB} MiB, heap ${summary.pastLimit.heapMiB} MiB ` +
        `(cache limit ${summary.cacheLimit} entries per cache; ${results.memory.oboExchanges} OBO exchanges for ` +
        `${results.memory.users} users; ${round(results.memory.seconds)} s)`,
    );
  }
  lines.push("", "targets:");
  for (const target of results.targets) {
    lines.push(`  ${target.met ? "met    " : "MISSED "} ${target.name} (${target.target}): ${target.value}`);
  }
  return lines.join("\n");
}
