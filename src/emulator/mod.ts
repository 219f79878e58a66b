/**
 * A local emulator of the parts of Microsoft Entra ID (v2.0 endpoints) and Microsoft Graph this project
 * uses, served from one origin: identity at the same paths as `https://login.microsoftonline.com`, Graph at
 * the same paths as `https://graph.microsoft.com`, and a control API under `/_emulator/`.
 *
 * @example
 * ```ts
 * const emulator = await startEmulator({ port: 0 });
 * console.log(emulator.config.authority, emulator.config.server.clientId);
 * await emulator.close();
 * ```
 */
import { adminRoutes, DEFAULT_SETTINGS } from "./admin/routes.ts";
import { graphRoutes } from "./graph/routes.ts";
import { identityRoutes } from "./identity/routes.ts";
import { createRouter } from "./router.ts";
import { DEMO, seedDirectory } from "./seed.ts";
import { createSigningKeyRing } from "./signing_keys.ts";
import type { EmulatorSettings, EmulatorState } from "./state.ts";

export { DEMO } from "./seed.ts";
export type { EmulatorState } from "./state.ts";

/** Options for {@linkcode startEmulator}. */
export interface EmulatorOptions {
  /** Port to listen on; 0 (the default) picks a free one. */
  port?: number;
  /** Interface to listen on (default `127.0.0.1`). */
  hostname?: string;
  /** PEM certificate and key to serve HTTPS (MSAL-based clients refuse `http` authorities). */
  tls?: { cert: string; key: string };
  /**
   * Origin to use in issuers instead of the emulator's own, to emulate a cloud whose issuer host differs
   * from its authority host (Azure China).
   */
  issuerBaseUrl?: string;
  /** Initial settings. */
  settings?: Partial<EmulatorSettings>;
  /** Receives one line per request and errors (default: discarded). */
  log?: (line: string) => void;
}

/** The line `deno task emulator` prints: everything a client needs to use the demo tenant. */
export interface EmulatorConfig {
  authority: string;
  graph: string;
  tenantId: string;
  server: { clientId: string; clientSecret: string; identifierUri: string };
  client: { clientId: string; clientSecret: string; redirectUris: string[] };
  users: Array<{ userPrincipalName: string; displayName: string; admin: boolean }>;
}

/** A running emulator. */
export interface EmulatorHandle {
  /** Origin of the emulator (authority host and Graph base URL). */
  url: string;
  /** The demo tenant's configuration. */
  config: EmulatorConfig;
  /** Live state, for tests that need to look inside. */
  state: EmulatorState;
  /** Stops listening and waits for in-flight requests. */
  close(): Promise<void>;
  /** Same as `close()`, for `await using`. */
  [Symbol.asyncDispose](): Promise<void>;
}

/** Starts an emulator on a real socket and resolves once it listens. */
export async function startEmulator(options: EmulatorOptions = {}): Promise<EmulatorHandle> {
  const hostname = options.hostname ?? "127.0.0.1";
  const state: EmulatorState = {
    baseUrl: "",
    issuerBaseUrl: "",
    directory: seedDirectory(),
    keys: await createSigningKeyRing(),
    settings: { ...DEFAULT_SETTINGS, ...options.settings },
    stats: new Map(),
    faults: [],
    mfaRequired: false,
    authorizationCodes: new Map(),
    refreshTokens: new Map(),
    deviceCodes: new Map(),
  };
  const log = options.log ?? (() => {});
  const handler = createRouter(state, [...identityRoutes(), ...graphRoutes(), ...adminRoutes()], log);
  const { promise: listening, resolve } = Promise.withResolvers<Deno.NetAddr>();
  const server = Deno.serve({
    port: options.port ?? 0,
    hostname,
    ...(options.tls ?? {}),
    onListen: resolve,
  }, handler);
  const address = await listening;
  const host = ["0.0.0.0", "::", "127.0.0.1"].includes(address.hostname)
    ? "127.0.0.1"
    : address.hostname.includes(":")
    ? `[${address.hostname}]`
    : address.hostname;
  state.baseUrl = `${options.tls ? "https" : "http"}://${host}:${address.port}`;
  state.issuerBaseUrl = options.issuerBaseUrl?.replace(/\/+$/, "") ?? state.baseUrl;
  return {
    url: state.baseUrl,
    config: emulatorConfig(state),
    state,
    close: () => server.shutdown(),
    [Symbol.asyncDispose]: () => server.shutdown(),
  };
}

/** The demo tenant's configuration for a running emulator. */
export function emulatorConfig(state: EmulatorState): EmulatorConfig {
  return {
    authority: state.baseUrl,
    graph: state.baseUrl,
    tenantId: DEMO.tenantId,
    server: {
      clientId: DEMO.server.appId,
      clientSecret: DEMO.server.secret,
      identifierUri: `api://${DEMO.server.appId}`,
    },
    client: {
      clientId: DEMO.client.appId,
      clientSecret: DEMO.client.secret,
      redirectUris: [...DEMO.client.redirectUris],
    },
    users: state.directory.users.map((u) => ({
      userPrincipalName: u.userPrincipalName,
      displayName: u.displayName,
      admin: u.admin,
    })),
  };
}
