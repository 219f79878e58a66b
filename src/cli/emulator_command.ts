/** `entra-obo-mcp emulator`: runs the Entra ID + Graph emulator until interrupted. */
import { parseArgs } from "node:util";
import { startEmulator } from "../emulator/mod.ts";
import { waitForSignal } from "./signals.ts";

/** Usage text for the emulator command. */
export const EMULATOR_USAGE =
  `Usage: entra-obo-mcp emulator [--port N] [--host H] [--tls-cert FILE --tls-key FILE]

Serves a local Entra ID + Microsoft Graph emulator with a seeded demo tenant.
Prints one line of JSON (authority, graph, tenantId, server, client, users) to stdout once listening;
request logs go to stderr.

  --port N        port to listen on (default 8001; 0 picks a free port)
  --host H        interface to listen on (default 127.0.0.1)
  --tls-cert F    PEM certificate to serve HTTPS (with --tls-key)
  --tls-key F     PEM private key for --tls-cert
  --quiet         no request logs`;

/** Runs the emulator command; resolves with the exit code once the emulator stops. */
export async function runEmulatorCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      port: { type: "string", default: "8001" },
      host: { type: "string", default: "127.0.0.1" },
      "tls-cert": { type: "string" },
      "tls-key": { type: "string" },
      quiet: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) {
    console.log(EMULATOR_USAGE);
    return 0;
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`emulator: --port must be an integer from 0 to 65535, got "${values.port}"`);
    return 2;
  }
  if (Boolean(values["tls-cert"]) !== Boolean(values["tls-key"])) {
    console.error("emulator: --tls-cert and --tls-key must be given together");
    return 2;
  }
  const tls = values["tls-cert"]
    ? { cert: await Deno.readTextFile(values["tls-cert"]), key: await Deno.readTextFile(values["tls-key"]!) }
    : undefined;
  const emulator = await startEmulator({
    port,
    hostname: values.host,
    tls,
    log: values.quiet ? undefined : (line) => console.error(line),
  });
  console.log(JSON.stringify(emulator.config));
  console.error(
    `emulator: listening on ${emulator.url} (tenant ${emulator.config.tenantId}); Ctrl+C to stop`,
  );
  await waitForSignal();
  await emulator.close();
  return 0;
}
