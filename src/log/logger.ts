/**
 * Structured logs: one JSON object per line (`time`, `level`, `msg`, then fields). Fields whose names
 * suggest credentials are replaced by "[redacted]" as a last line of defence; callers never pass tokens.
 */
import { LOG_LEVELS, type LogLevel } from "../config/mod.ts";

/** Values a log field may take. */
export type LogFields = Record<string, string | number | boolean | null | undefined | string[]>;

/** A structured logger. */
export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  /** A logger that adds `fields` to every line. */
  child(fields: LogFields): Logger;
}

/** Options for {@linkcode createLogger}. */
export interface LoggerOptions {
  level?: LogLevel;
  /** Receives each line (default: standard error). */
  write?: (line: string) => void;
}

const SENSITIVE = /token|secret|assertion|authorization|password|cookie|code_verifier/i;

/** Creates a JSON-lines logger. */
export function createLogger(options: LoggerOptions = {}): Logger {
  const threshold = LOG_LEVELS.indexOf(options.level ?? "info");
  const write = options.write ?? ((line: string) => console.error(line));
  return build({});

  function build(bound: LogFields): Logger {
    const emit = (level: LogLevel) => (msg: string, fields?: LogFields) => {
      if (LOG_LEVELS.indexOf(level) < threshold) return;
      const entry: Record<string, unknown> = { time: new Date().toISOString(), level, msg };
      for (const [key, value] of Object.entries({ ...bound, ...fields })) {
        if (value === undefined) continue;
        entry[key] = SENSITIVE.test(key) && !key.endsWith("_hash") ? "[redacted]" : value;
      }
      write(JSON.stringify(entry));
    };
    return {
      debug: emit("debug"),
      info: emit("info"),
      warn: emit("warn"),
      error: emit("error"),
      child: (fields) => build({ ...bound, ...fields }),
    };
  }
}

/** A logger that drops everything (for tests and library use). */
export const silentLogger: Logger = createLogger({ level: "error", write: () => {} });
