/**
 * The application a request names as `client_id`: an app registration of the tenant, or one of Microsoft's
 * first-party public clients whose service principal the tenant has (Azure CLI, Microsoft Graph Command
 * Line Tools), which have no app registration here, as in a real tenant.
 */
import {
  type ApplicationRecord,
  findApplicationByAppId,
  findServicePrincipalByAppId,
  type ServicePrincipalRecord,
} from "../directory.ts";
import type { EmulatorState } from "../state.ts";
import { AZURE_CLI_APP_ID, GRAPH_CLI_APP_ID } from "../well_known.ts";
import { EntraError } from "./entra_errors.ts";

/** The platform a redirect URI is registered under (`web`, `publicClient` or `spa`). */
export type RedirectKind = "web" | "publicClient" | "spa";

/** A registered redirect URI with its platform. */
export interface RegisteredRedirectUri {
  uri: string;
  kind: RedirectKind;
}

/** A client application as the identity endpoints see it. */
export interface ClientApp {
  appId: string;
  displayName: string;
  /** The app registration, absent for first-party clients. */
  application?: ApplicationRecord;
  /** The client's service principal in this tenant (consent is recorded against it). */
  servicePrincipal?: ServicePrincipalRecord;
  /** A Microsoft first-party application. */
  firstParty: boolean;
  /** May use flows without a client credential (device code); first-party or `isFallbackPublicClient`. */
  publicClient: boolean;
  redirectUris: RegisteredRedirectUri[];
}

const FIRST_PARTY_PUBLIC_CLIENTS: ReadonlySet<string> = new Set([AZURE_CLI_APP_ID, GRAPH_CLI_APP_ID]);

// Both tools sign in through a loopback listener (any port) or the native-client page.
const FIRST_PARTY_REDIRECT_URIS: readonly RegisteredRedirectUri[] = [
  { uri: "http://localhost", kind: "publicClient" },
  { uri: "https://login.microsoftonline.com/common/oauth2/nativeclient", kind: "publicClient" },
];

/** Finds the client application for an application ID. */
export function findClientApp(state: EmulatorState, appId: string): ClientApp | undefined {
  const { directory } = state;
  const application = findApplicationByAppId(directory, appId);
  const servicePrincipal = findServicePrincipalByAppId(directory, appId);
  if (application) {
    return {
      appId,
      displayName: application.displayName,
      application,
      servicePrincipal,
      firstParty: false,
      publicClient: application.isFallbackPublicClient === true,
      redirectUris: [
        ...application.web.redirectUris.map((uri) => ({ uri, kind: "web" as const })),
        ...application.publicClient.redirectUris.map((uri) => ({ uri, kind: "publicClient" as const })),
        ...application.spa.redirectUris.map((uri) => ({ uri, kind: "spa" as const })),
      ],
    };
  }
  if (servicePrincipal && FIRST_PARTY_PUBLIC_CLIENTS.has(appId)) {
    return {
      appId,
      displayName: servicePrincipal.displayName,
      servicePrincipal,
      firstParty: true,
      publicClient: true,
      redirectUris: [...FIRST_PARTY_REDIRECT_URIS],
    };
  }
  return undefined;
}

/** The client named by `client_id`, or AADSTS900144 (missing) / AADSTS700016 (not in this tenant). */
export function requireClientApp(state: EmulatorState, appId: string | null | undefined): ClientApp {
  if (!appId) throw new EntraError(900144, { params: { parameter: "client_id" } });
  const client = findClientApp(state, appId);
  if (!client) {
    throw new EntraError(700016, { params: { appId, tenant: state.directory.tenantId } });
  }
  return client;
}

/** Whether the app has any client credential (secret, certificate or federated identity credential). */
export function hasClientCredentials(client: ClientApp): boolean {
  const app = client.application;
  return !!app &&
    (app.passwordCredentials.length > 0 || app.keyCredentials.length > 0 ||
      app.federatedIdentityCredentials.length > 0);
}

/** A public client that cannot hold a credential at all: presenting one is AADSTS700025. */
export function isPublicOnlyClient(client: ClientApp): boolean {
  return client.firstParty || (client.publicClient && !hasClientCredentials(client));
}
