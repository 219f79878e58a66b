/**
 * Reading and updating the server's `.env`: set keys are replaced in place, missing ones appended, every
 * other line (comments, unrelated settings) kept. The file is written to a temporary file with mode 0600
 * and renamed over the old one, so a crash never leaves half a file and the secret is never world-readable.
 */
import { parseEnv } from "node:util";

/** The values in `path`; an absent file has none. */
export async function readEnvFileValues(path: string): Promise<Record<string, string>> {
  try {
    return { ...parseEnv(await Deno.readTextFile(path)) } as Record<string, string>;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return {};
    throw error;
  }
}

const ASSIGNMENT = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=/;
const PLAIN_VALUE = /^[A-Za-z0-9_~.\-:/@+,%]*$/;

/** The text of `original` with `values` set (pure). */
export function updatedEnvText(original: string, values: Record<string, string>): string {
  const pending = new Map(Object.entries(values));
  const written = new Set<string>();
  const lines = original === "" ? [] : original.replace(/\r?\n$/, "").split(/\r?\n/);
  const kept: string[] = [];
  for (const line of lines) {
    const key = ASSIGNMENT.exec(line)?.[1];
    if (key === undefined || !Object.hasOwn(values, key)) {
      kept.push(line);
    } else if (!written.has(key)) {
      kept.push(`${key}=${quote(values[key])}`);
      written.add(key);
      pending.delete(key);
    }
    // A later duplicate of a key just written would override it when parsed: drop it.
  }
  for (const [key, value] of pending) kept.push(`${key}=${quote(value)}`);
  return `${kept.join("\n")}\n`;
}

/** Sets `values` in the `.env` at `path` (created if absent), leaving the file with mode 0600. */
export async function writeEnvFile(path: string, values: Record<string, string>): Promise<void> {
  let original = "";
  try {
    original = await Deno.readTextFile(path);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  const temporary = `${path}.${crypto.randomUUID().slice(0, 8)}.tmp`;
  try {
    await Deno.writeTextFile(temporary, updatedEnvText(original, values), { mode: 0o600, createNew: true });
    // `mode` is filtered by the umask; make sure it is exactly owner read/write (no-op on Windows).
    if (Deno.build.os !== "windows") await Deno.chmod(temporary, 0o600);
    await Deno.rename(temporary, path);
  } catch (error) {
    await Deno.remove(temporary).catch(() => {});
    throw error;
  }
}

function quote(value: string): string {
  if (PLAIN_VALUE.test(value)) return value;
  // dotenv (node:util parseEnv) has no escape for quotes: pick a quote the value does not contain.
  if (!value.includes("\n")) {
    for (const mark of ["'", "`", '"']) if (!value.includes(mark)) return `${mark}${value}${mark}`;
  } else if (!value.includes('"')) {
    return `"${value.replaceAll("\n", "\\n")}"`;
  }
  throw new Error(
    "a value with every kind of quote (or with newlines and double quotes) cannot be written to .env",
  );
}
