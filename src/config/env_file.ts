/** Reading `.env` files with Deno's built-in dotenv parser (`node:util` `parseEnv`). */
import { parseEnv } from "node:util";

/** Options for {@linkcode readEnvironment}. */
export interface ReadEnvironmentOptions {
  /** Path of the `.env` file; a missing file is not an error. Default `.env` in the working directory. */
  envFile?: string;
  /** The process environment (default `Deno.env.toObject()`); its values win over the file's. */
  processEnv?: Record<string, string>;
}

/** The effective environment: `.env` values overlaid by real environment variables. */
export function readEnvironment(options: ReadEnvironmentOptions = {}): Record<string, string> {
  const path = options.envFile ?? ".env";
  let fromFile: Record<string, string> = {};
  try {
    fromFile = { ...parseEnv(Deno.readTextFileSync(path)) } as Record<string, string>;
  } catch (error) {
    // No file, or no permission to read it (e.g. Deno Deploy): the environment alone is the configuration.
    if (!(error instanceof Deno.errors.NotFound || error instanceof Deno.errors.NotCapable)) throw error;
  }
  return { ...fromFile, ...(options.processEnv ?? Deno.env.toObject()) };
}
