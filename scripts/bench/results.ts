/** The benchmark's results: raw measurements plus the ratios and targets of issue 6, computed once. */
import type { ColdStart } from "./cold_start.ts";
import type { MemoryReading, MemoryRun } from "./memory.ts";
import { round } from "./stats.ts";
import type { ServerName } from "./servers.ts";
import type { MethodName, OboCount, ThroughputRow } from "./throughput.ts";

/** Default size of each per-user cache: `AccessTokenVerifier` (verified tokens) and `GRAPH_TOKEN_CACHE_MAX`. */
export const CACHE_LIMIT = 10_000;

/** What the benchmark measured. */
export interface Measurements {
  settings: {
    durationSeconds: number;
    warmupSeconds: number;
    concurrencies: number[];
    users: number;
    checkpointEvery: number;
    coldStartRuns: number;
  };
  throughput: ThroughputRow[];
  /** OBO exchanges per server during the throughput scenarios. */
  obo: Partial<Record<ServerName, OboCount>>;
  coldStart: { ours: ColdStart; bare: ColdStart };
  memory?: MemoryRun;
  elapsedSeconds: number;
}

/** A target from the issue and whether this run met it. */
export interface Target {
  name: string;
  target: string;
  value: string;
  met: boolean;
}

/** The memory phase in MiB, at the cache limit and past it. */
export interface MemorySummary {
  /** Entries each per-user cache holds at most. */
  cacheLimit: number;
  warm: { rssMiB: number; heapMiB: number };
  /** After `cacheLimit` users (both caches full). */
  atLimit: { users: number; rssMiB: number; heapMiB: number };
  /** After the last users, all past the limit. */
  pastLimit: { users: number; rssMiB: number; heapMiB: number };
  /** V8 heap growth per user while the caches fill, and per user once they are full. */
  heapBytesPerUserUpToLimit: number;
  heapBytesPerUserPastLimit: number;
  oboExchangesPerUser: number;
}

/** Everything the benchmark reports. */
export interface BenchResults extends Measurements {
  machine: { cpus: number; deno: string; v8: string; os: string; arch: string };
  ratios: {
    /** ours ÷ naive and ours ÷ bare throughput per method and concurrency. */
    throughput: Array<{ method: MethodName; concurrency: number; oursVsNaive: number; oursVsBare: number }>;
    /** ours ÷ bare median cold start. */
    coldStart: number;
    /** OBO exchanges per 1,000 tool calls. */
    oboPerThousandCalls: { ours?: number; naive?: number };
  };
  memorySummary?: MemorySummary;
  targets: Target[];
}

function rps(rows: ThroughputRow[], server: string, method: MethodName, concurrency: number): number {
  return rows.find((r) => r.server === server && r.method === method && r.concurrency === concurrency)
    ?.requestsPerSecond ?? NaN;
}

const MiB = 1024 * 1024;

/** Computes ratios and checks the targets. */
export function summarize(measurements: Measurements): BenchResults {
  const { throughput, obo, coldStart, memory, settings } = measurements;
  const ratios: BenchResults["ratios"] = {
    throughput: [],
    coldStart: round(coldStart.ours.medianMs / coldStart.bare.medianMs, 2),
    oboPerThousandCalls: {},
  };
  for (const method of ["tools/list", "tools/call hello"] as const) {
    for (const concurrency of settings.concurrencies) {
      const ours = rps(throughput, "ours", method, concurrency);
      ratios.throughput.push({
        method,
        concurrency,
        oursVsNaive: round(ours / rps(throughput, "naive", method, concurrency), 2),
        oursVsBare: round(ours / rps(throughput, "bare", method, concurrency), 2),
      });
    }
  }
  for (const name of ["ours", "naive"] as const) {
    const count = obo[name];
    if (count) ratios.oboPerThousandCalls[name] = round((count.exchanges / count.toolCalls) * 1000, 2);
  }

  const list = ratios.throughput.filter((r) => r.method === "tools/list");
  const worstVsNaive = Math.min(...list.map((r) => r.oursVsNaive));
  const worstVsBare = Math.min(...list.map((r) => r.oursVsBare));
  const targets: Target[] = [
    {
      name: "warm tools/list vs naive",
      target: ">= 3x at 1, 16 and 64 clients",
      value: list.map((r) => `${r.oursVsNaive}x@${r.concurrency}`).join(" "),
      met: worstVsNaive >= 3,
    },
    {
      name: "warm tools/list vs bare",
      target: ">= 0.2x at 1, 16 and 64 clients",
      value: list.map((r) => `${r.oursVsBare}x@${r.concurrency}`).join(" "),
      met: worstVsBare >= 0.2,
    },
    {
      name: "cold start vs bare script",
      target: "<= 6x",
      value: `${ratios.coldStart}x (${round(coldStart.ours.medianMs)} vs ${
        round(coldStart.bare.medianMs)
      } ms)`,
      met: ratios.coldStart <= 6,
    },
  ];
  if (obo.ours) {
    targets.push({
      name: "OBO exchanges per user per token",
      target: "1",
      value:
        `${obo.ours.exchanges} exchanges for ${obo.ours.distinctTokens} tokens over ${obo.ours.toolCalls} calls` +
        (memory ? `; ${memory.oboExchanges} for ${memory.users} new users` : ""),
      met: obo.ours.exchanges <= obo.ours.distinctTokens && (!memory || memory.oboExchanges <= memory.users),
    });
  }

  const memorySummary = memory ? summarizeMemory(memory) : undefined;
  if (memorySummary) targets.push(memoryTarget(memorySummary));

  return {
    machine: {
      cpus: navigator.hardwareConcurrency,
      deno: Deno.version.deno,
      v8: Deno.version.v8,
      os: Deno.build.os,
      arch: Deno.build.arch,
    },
    ...measurements,
    ratios,
    memorySummary,
    targets,
  };
}

function summarizeMemory(memory: MemoryRun): MemorySummary | undefined {
  const warm = memory.readings[0];
  const atLimit = memory.readings.findLast((r) => r.users <= CACHE_LIMIT && r.users > 0);
  const pastLimit = memory.readings.at(-1)!;
  if (!atLimit) return undefined;
  const mib = (r: MemoryReading) => ({
    users: r.users,
    rssMiB: round(r.rssBytes / MiB),
    heapMiB: round(r.heapUsedBytes / MiB),
  });
  const pastUsers = pastLimit.users - atLimit.users;
  return {
    cacheLimit: CACHE_LIMIT,
    warm: { rssMiB: round(warm.rssBytes / MiB), heapMiB: round(warm.heapUsedBytes / MiB) },
    atLimit: mib(atLimit),
    pastLimit: mib(pastLimit),
    heapBytesPerUserUpToLimit: Math.round((atLimit.heapUsedBytes - warm.heapUsedBytes) / atLimit.users),
    heapBytesPerUserPastLimit: pastUsers > 0
      ? Math.round((pastLimit.heapUsedBytes - atLimit.heapUsedBytes) / pastUsers)
      : NaN,
    oboExchangesPerUser: round(memory.oboExchanges / memory.users, 3),
  };
}

/**
 * Bounded memory: once the caches are full, every new user evicts an old entry, so the live heap must stop
 * growing with the number of users. Judged on the V8 heap after a full GC (RSS also holds free pages V8
 * keeps for reuse); needs a run past {@linkcode CACHE_LIMIT} users.
 */
function memoryTarget(summary: MemorySummary): Target {
  const name = "memory bounded by the cache limit";
  const target = `heap grows < 25% as fast per user past ${CACHE_LIMIT} users as up to it`;
  if (!(summary.pastLimit.users > CACHE_LIMIT && summary.atLimit.users === CACHE_LIMIT)) {
    return { name, target, value: `not checked: run with --users above ${CACHE_LIMIT}`, met: false };
  }
  return {
    name,
    target,
    value: `${summary.heapBytesPerUserUpToLimit} B/user up to ${CACHE_LIMIT}, ` +
      `${summary.heapBytesPerUserPastLimit} B/user from ${CACHE_LIMIT} to ${summary.pastLimit.users}`,
    met: summary.heapBytesPerUserPastLimit < summary.heapBytesPerUserUpToLimit * 0.25,
  };
}
