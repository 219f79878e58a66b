/**
 * The emulator's own control API under `/_emulator/` (not part of Entra or Graph): counters, fault
 * injection, key rotation, consent and Conditional Access switches, device-code approval, settings, reset.
 */
import {
  findApplicationByAppId,
  findServicePrincipalByAppId,
  findUser,
  permissionGrantId,
} from "../directory.ts";
import { type Route, route } from "../router.ts";
import { seedDirectory } from "../seed.ts";
import { rotateSigningKeys } from "../signing_keys.ts";
import type { EmulatorState, Fault } from "../state.ts";
import { GRAPH_APP_ID, GRAPH_DELEGATED_SCOPES } from "../well_known.ts";

/** Default settings a reset returns to. */
export const DEFAULT_SETTINGS = { replicationDelayMs: 0, deviceCodeIntervalSeconds: 5 } as const;

class BadRequest extends Error {}

async function readObject(request: Request): Promise<Record<string, unknown>> {
  let body: unknown;
  try {
    body = await request.json();
  } catch {
    throw new BadRequest("the body must be a JSON object");
  }
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new BadRequest("the body must be a JSON object");
  }
  return body as Record<string, unknown>;
}

function optionalInteger(body: Record<string, unknown>, name: string, min: number, max: number) {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    throw new BadRequest(`"${name}" must be an integer from ${min} to ${max}`);
  }
  return value;
}

function admin(
  method: string,
  path: string,
  handle: (request: Request, state: EmulatorState) => Promise<Response>,
) {
  return route(method, `/_emulator/${path}`, "admin", async (request, { state }) => {
    try {
      return await handle(request, state);
    } catch (error) {
      if (error instanceof BadRequest) return Response.json({ error: error.message }, { status: 400 });
      throw error;
    }
  });
}

/** Parses and validates a fault specification. */
export function parseFault(body: Record<string, unknown>): Fault {
  if (typeof body.match !== "string" || body.match === "") {
    throw new BadRequest(`"match" must be a stats key`);
  }
  const fault: Fault = {
    match: body.match,
    status: optionalInteger(body, "status", 100, 599),
    retryAfter: optionalInteger(body, "retryAfter", 0, 3600),
    aadsts: optionalInteger(body, "aadsts", 1, 99_999_999),
    delayMs: optionalInteger(body, "delayMs", 0, 120_000),
    count: optionalInteger(body, "count", 1, 1_000_000) ?? 1,
  };
  if (fault.status === undefined && fault.aadsts === undefined && fault.delayMs === undefined) {
    throw new BadRequest(`a fault needs "status", "aadsts" or "delayMs"`);
  }
  return fault;
}

/** Gives (or withdraws) tenant-wide consent for an app's declared Graph permissions. */
export function setGraphConsent(state: EmulatorState, appId: string, granted: boolean): string {
  const { directory } = state;
  const app = findApplicationByAppId(directory, appId);
  const sp = findServicePrincipalByAppId(directory, appId);
  const graph = findServicePrincipalByAppId(directory, GRAPH_APP_ID)!;
  if (!app || !sp) throw new BadRequest(`no application with a service principal has appId ${appId}`);
  directory.permissionGrants = directory.permissionGrants.filter((g) =>
    !(g.clientId === sp.id && g.resourceId === graph.id && g.consentType === "AllPrincipals")
  );
  if (!granted) return "";
  const declared = app.requiredResourceAccess.find((r) => r.resourceAppId === GRAPH_APP_ID)?.resourceAccess ??
    [];
  const scope = declared
    .map((access) => GRAPH_DELEGATED_SCOPES.find((s) => s.id === access.id)?.value)
    .filter((value): value is string => value !== undefined)
    .join(" ") || "User.Read Mail.Read";
  directory.permissionGrants.push({
    id: permissionGrantId(sp.id, graph.id),
    clientId: sp.id,
    consentType: "AllPrincipals",
    principalId: null,
    resourceId: graph.id,
    scope,
  });
  return scope;
}

/** Puts the emulator back to the seeded demo tenant (signing keys are kept). */
export function resetState(state: EmulatorState): void {
  state.directory = seedDirectory();
  state.settings = { ...DEFAULT_SETTINGS };
  state.stats.clear();
  state.faults.length = 0;
  state.mfaRequired = false;
  state.authorizationCodes.clear();
  state.refreshTokens.clear();
  state.deviceCodes.clear();
}

/** The `/_emulator/*` routes. */
export function adminRoutes(): Route[] {
  return [
    admin("GET", "stats", (_request, state) => {
      return Promise.resolve(Response.json({ requests: Object.fromEntries(state.stats) }));
    }),
    admin("POST", "faults", async (request, state) => {
      const fault = parseFault(await readObject(request));
      state.faults.push(fault);
      return Response.json({ fault }, { status: 201 });
    }),
    admin("DELETE", "faults", (_request, state) => {
      state.faults.length = 0;
      return Promise.resolve(new Response(null, { status: 204 }));
    }),
    admin("POST", "rotate-keys", async (_request, state) => {
      await rotateSigningKeys(state.keys);
      return Response.json({ kid: state.keys.current.kid, previousKid: state.keys.previous?.kid });
    }),
    admin("POST", "consent", async (request, state) => {
      const body = await readObject(request);
      if (typeof body.appId !== "string") throw new BadRequest(`"appId" must be a string`);
      if (typeof body.granted !== "boolean") throw new BadRequest(`"granted" must be true or false`);
      const scope = setGraphConsent(state, body.appId, body.granted);
      return Response.json({ appId: body.appId, granted: body.granted, scope });
    }),
    admin("POST", "mfa", async (request, state) => {
      const body = await readObject(request);
      if (typeof body.required !== "boolean") throw new BadRequest(`"required" must be true or false`);
      state.mfaRequired = body.required;
      return Response.json({ required: state.mfaRequired });
    }),
    admin("POST", "device/approve", async (request, state) => {
      const body = await readObject(request);
      if (typeof body.userPrincipalName !== "string") {
        throw new BadRequest(`"userPrincipalName" must be a string`);
      }
      const user = findUser(state.directory, body.userPrincipalName);
      if (!user) throw new BadRequest(`no user ${body.userPrincipalName}`);
      const wanted = typeof body.user_code === "string" ? body.user_code.toUpperCase() : undefined;
      let approved = 0;
      for (const grant of state.deviceCodes.values()) {
        if (grant.status !== "pending" || grant.expiresAtMs <= Date.now()) continue;
        if (wanted && grant.userCode !== wanted) continue;
        grant.status = "approved";
        grant.userId = user.id;
        approved++;
      }
      if (approved === 0) return Response.json({ error: "no pending device code matched" }, { status: 404 });
      return Response.json({ approved });
    }),
    admin("POST", "settings", async (request, state) => {
      const body = await readObject(request);
      if ("accessTokenLifetimeSeconds" in body) {
        state.settings.accessTokenLifetimeSeconds = optionalInteger(
          body,
          "accessTokenLifetimeSeconds",
          1,
          86_400,
        );
      }
      state.settings.replicationDelayMs = optionalInteger(body, "replicationDelayMs", 0, 600_000) ??
        state.settings.replicationDelayMs;
      state.settings.deviceCodeIntervalSeconds = optionalInteger(body, "deviceCodeIntervalSeconds", 0, 60) ??
        state.settings.deviceCodeIntervalSeconds;
      return Response.json(state.settings);
    }),
    admin("POST", "reset", (_request, state) => {
      resetState(state);
      return Promise.resolve(Response.json({ reset: true }));
    }),
  ];
}
