/** OData system query options the emulated Graph understands: `$top`, `$skip`, `$select`, and paging. */
import { GraphError } from "./graph_errors.ts";

/** Options for {@linkcode readTop}. */
export interface TopOptions {
  /** Page size when `$top` is absent. */
  fallback: number;
  /** Largest accepted `$top`. */
  max: number;
}

/** `$top` as an integer in 1…max, or Graph's 400 naming `$top`. */
export function readTop(url: URL, options: TopOptions): number {
  const raw = url.searchParams.get("$top");
  if (raw === null) return options.fallback;
  const top = /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isInteger(top) || top < 1 || top > options.max) {
    throw new GraphError(
      400,
      "BadRequest",
      `Invalid value '${raw}' for query option '$top': it must be an integer from 1 to ${options.max}.`,
    );
  }
  return top;
}

/** `$skip` as a non-negative integer (0 when absent), or Graph's 400 naming `$skip`. */
export function readSkip(url: URL): number {
  const raw = url.searchParams.get("$skip");
  if (raw === null) return 0;
  if (!/^\d+$/.test(raw)) {
    throw new GraphError(
      400,
      "BadRequest",
      `Invalid value '${raw}' for query option '$skip': it must be a non-negative integer.`,
    );
  }
  return Number(raw);
}

/** Options for {@linkcode readSelect}. */
export interface SelectOptions {
  /** The error for a property the type does not have. */
  unknown: (name: string) => GraphError;
}

/**
 * `$select` as canonical property names (matched case-insensitively, as Graph does), or `undefined` when
 * absent. An unknown name is the caller's error.
 */
export function readSelect(
  url: URL,
  known: readonly string[],
  options: SelectOptions,
): string[] | undefined {
  const raw = url.searchParams.get("$select");
  if (raw === null) return undefined;
  const names: string[] = [];
  for (const part of raw.split(",")) {
    const name = part.trim();
    const canonical = known.find((k) => k.toLowerCase() === name.toLowerCase());
    if (!canonical) throw options.unknown(name);
    if (!names.includes(canonical)) names.push(canonical);
  }
  return names;
}

/** Copies the named properties of `value` (in the order the type declares them). */
export function pick(value: Record<string, unknown>, names: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).filter(([key]) => names.includes(key)));
}

/** Rejects query options the emulator does not implement for a resource instead of silently ignoring them. */
export function rejectUnsupportedOptions(url: URL, supported: readonly string[]): void {
  for (const name of url.searchParams.keys()) {
    if (!name.startsWith("$") || supported.includes(name)) continue;
    throw new GraphError(
      400,
      "BadRequest",
      `Query option '${name}' is not supported by the emulator for this resource.`,
    );
  }
}
