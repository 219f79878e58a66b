/**
 * Runs the setup stage by stage, each planned by `plan.ts` against the live objects: the Server app (with
 * its service principal and secret), `.env`, the Client app, the pre-authorization, admin consent, and last
 * the removal of rotated secrets, so a running server keeps a valid secret until `.env` has the new one.
 * Progress is recorded as it happens, so a failure can report what exists and a rerun completes the job.
 */
import { writeEnvFile } from "./env_file.ts";
import { GraphRequestError, SetupDeclinedError } from "./errors.ts";
import type { GraphApi } from "./graph_api.ts";
import type { Application, PasswordCredential, ServicePrincipal } from "./graph_types.ts";
import {
  applyWrite,
  type DesiredSetup,
  type ExistingState,
  planClientApp,
  planClientSecret,
  planClientStage,
  planConsent,
  planEnvFile,
  planPreAuthorization,
  planSecretRemoval,
  planServerApp,
  planServerSecret,
  planServerStage,
  planServicePrincipal,
  scopeIdOf,
  wantedEnvValues,
} from "./plan.ts";

/** What the run has done so far; filled in as it goes, so it is also accurate after a failure. */
export interface SetupProgress {
  /** Changes made, in order. */
  changes: string[];
  server?: Application;
  serverServicePrincipal?: ServicePrincipal;
  client?: Application;
  clientServicePrincipal?: ServicePrincipal;
  /** The Client app secret this run added: the only time it can be shown. */
  newClientSecret?: string;
  /** Tenant-wide consent for the Server app's Graph permissions exists. */
  consentGranted: boolean;
}

/** Options for {@linkcode applySetup}. */
export interface ApplyOptions {
  graph: GraphApi;
  graphServicePrincipal: ServicePrincipal;
  envFile: string;
  /** Asked before each stage that changes something; `false` stops the run. */
  confirm: (stage: string, changes: string[]) => Promise<boolean>;
  /** Progress lines (standard error). */
  note: (line: string) => void;
  /** Filled in as the run goes. */
  progress: SetupProgress;
}

/** Creates or reconciles everything. Throws on the first failure, with `options.progress` up to date. */
export async function applySetup(
  desired: DesiredSetup,
  existing: ExistingState,
  options: ApplyOptions,
): Promise<void> {
  const { graph, progress } = options;
  const done = (changes: string[]) => {
    for (const change of changes) {
      progress.changes.push(change);
      options.note(`  done: ${change}`);
    }
  };
  const stage = async (title: string, changes: string[], run: () => Promise<void>) => {
    if (changes.length === 0) return;
    if (!await options.confirm(title, changes)) throw new SetupDeclinedError(title);
    await run();
  };
  const secretName = `entra-obo-mcp setup ${new Date(desired.nowMs).toISOString().slice(0, 10)}`;

  // 1. The Server app, its service principal and its secret.
  let server = existing.server;
  progress.server = server;
  progress.serverServicePrincipal = existing.serverServicePrincipal;
  const serverStage = planServerStage(desired, existing);
  const serverSecret = serverStage.secret;
  let newServerSecret: string | undefined;
  await stage(`Server app "${server?.displayName ?? desired.serverName}"`, serverStage.changes, async () => {
    if (!server) {
      server = progress.server = await graph.createApplication(serverStage.create!);
      done(planServerApp(undefined, desired).changes);
    }
    const patch = planServerApp(server, desired);
    for (const body of patch.patches) {
      await graph.updateApplication(server.id, body);
      server = progress.server = applyWrite(server, body);
    }
    done(patch.changes);
    if (!progress.serverServicePrincipal) {
      progress.serverServicePrincipal = await graph.createServicePrincipal(server.appId);
      done(planServicePrincipal(undefined, "Server"));
    }
    const secret = planServerSecret(server, desired, { envSecret: existing.envValues.AZURE_CLIENT_SECRET });
    if (secret.add) {
      const added = await graph.addPassword(server.id, secretName);
      newServerSecret = added.secretText;
      server = progress.server = withCredential(server, added);
      done(secret.changes);
    }
  });
  server = server!;

  // 2. .env, before anything else can fail, so a new server secret is never lost.
  const env = planEnvFile(
    existing.envValues,
    wantedEnvValues(desired, existing.envValues, { appId: server.appId, secret: newServerSecret }),
  );
  await stage(`.env (${options.envFile})`, env.changes, async () => {
    await writeEnvFile(options.envFile, env.set);
    done(env.changes);
  });

  // 3. The Client app, its service principal and its secret.
  const scopeId = scopeIdOf(server)!;
  const serverRef = { appId: server.appId, scopeId };
  let client = existing.client;
  progress.client = client;
  progress.clientServicePrincipal = existing.clientServicePrincipal;
  const clientStage = planClientStage(desired, existing, serverRef);
  const clientSecret = clientStage.secret;
  await stage(`Client app "${client?.displayName ?? desired.clientName}"`, clientStage.changes, async () => {
    if (!client) {
      client = progress.client = await graph.createApplication(clientStage.create!);
      done(planClientApp(undefined, desired, serverRef).changes);
    }
    const patch = planClientApp(client, desired, serverRef);
    for (const body of patch.patches) {
      await graph.updateApplication(client.id, body);
      client = progress.client = applyWrite(client, body);
    }
    done(patch.changes);
    if (!progress.clientServicePrincipal) {
      progress.clientServicePrincipal = await graph.createServicePrincipal(client.appId);
      done(planServicePrincipal(undefined, "Client"));
    }
    const secret = planClientSecret(client, desired);
    if (secret.add) {
      const added = await graph.addPassword(client.id, secretName);
      progress.newClientSecret = added.secretText;
      client = progress.client = withCredential(client, added);
      done(secret.changes);
    }
  });
  client = client!;

  // 4. The client pre-authorized on the server's scope.
  const preAuthorization = planPreAuthorization(server, { clientAppId: client.appId, scopeId });
  await stage("pre-authorization", preAuthorization.changes, async () => {
    for (const body of preAuthorization.patches) {
      await graph.updateApplication(server!.id, body);
      server = progress.server = applyWrite(server!, body);
    }
    done(preAuthorization.changes);
  });

  // 5. Tenant-wide consent for Graph.
  const grants = existing.server && existing.serverServicePrincipal ? existing.grants : [];
  progress.consentGranted = planConsent(grants, { ...desired, grantAdminConsent: true }).action === "none";
  const consent = planConsent(grants, desired);
  await stage("admin consent", consent.changes, async () => {
    await grantConsent(options, { ...consent, clientId: progress.serverServicePrincipal!.id }, desired);
    progress.consentGranted = true;
    done(consent.changes);
  });

  // 6. Only now that .env has the new secret: remove the rotated ones.
  const removal = planSecretRemoval(serverSecret, clientSecret);
  await stage("old secrets", removal, async () => {
    for (const keyId of serverSecret.removeKeyIds) await graph.removePassword(server!.id, keyId);
    for (const keyId of clientSecret.removeKeyIds) await graph.removePassword(client!.id, keyId);
    const removed = new Set([...serverSecret.removeKeyIds, ...clientSecret.removeKeyIds]);
    progress.server = withoutCredentials(server!, removed);
    progress.client = withoutCredentials(client!, removed);
    done(removal);
  });
}

async function grantConsent(
  options: ApplyOptions,
  consent: ReturnType<typeof planConsent> & { clientId: string },
  desired: DesiredSetup,
): Promise<void> {
  const { graph } = options;
  const resourceId = options.graphServicePrincipal.id;
  if (consent.action === "update") {
    await graph.updateGrantScope(consent.grantId!, consent.scope);
    return;
  }
  try {
    await graph.createAllPrincipalsGrant(consent.clientId, resourceId, consent.scope);
  } catch (error) {
    // 409 Request_MultipleObjectsWithSameKeyValue: the grant exists (created meanwhile, or not yet listed).
    if (!(error instanceof GraphRequestError) || error.status !== 409) throw error;
    const again = planConsent(await graph.findAllPrincipalsGrants(consent.clientId, resourceId), desired);
    if (again.action === "create") throw error;
    if (again.action === "update") await graph.updateGrantScope(again.grantId!, again.scope);
  }
}

function withCredential(app: Application, added: PasswordCredential): Application {
  const { secretText: _secret, ...credential } = added;
  return { ...app, passwordCredentials: [...app.passwordCredentials, credential] };
}

function withoutCredentials(app: Application, keyIds: ReadonlySet<string>): Application {
  return { ...app, passwordCredentials: app.passwordCredentials.filter((c) => !keyIds.has(c.keyId)) };
}
