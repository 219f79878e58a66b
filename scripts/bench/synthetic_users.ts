/** Users the benchmark adds to the emulator's directory, with access tokens for the server as a gateway gets them. */
import type { DirectoryUser } from "../../src/emulator/directory.ts";
import type { EmulatorHandle } from "../../src/emulator/mod.ts";
import { mintAccessToken } from "../../src/emulator/tokens.ts";

/** `count` directory users named `Bench User <prefix><i>`, not yet in the directory. */
export function createUsers(emulator: EmulatorHandle, count: number, prefix: string): DirectoryUser[] {
  const domain = emulator.state.directory.users[0].userPrincipalName.split("@")[1];
  return Array.from({ length: count }, (_, i): DirectoryUser => {
    const name = `${prefix}${i}`;
    return {
      id: crypto.randomUUID(),
      userPrincipalName: `bench.${name}@${domain}`,
      displayName: `Bench User ${name}`,
      givenName: "Bench",
      surname: name,
      mail: `bench.${name}@${domain}`,
      jobTitle: null,
      officeLocation: null,
      mobilePhone: null,
      businessPhones: [],
      preferredLanguage: null,
      admin: false,
      junkEmail: [],
    };
  });
}

/** Adds `count` users named `Bench User <prefix><i>` to the end of the directory and returns them. */
export function addUsers(emulator: EmulatorHandle, count: number, prefix: string): DirectoryUser[] {
  const users = createUsers(emulator, count, prefix);
  emulator.state.directory.users.push(...users);
  return users;
}

/** A v2 access token for the server app, as the client app (the gateway) would get it for `user`. */
export async function accessTokenFor(emulator: EmulatorHandle, user: DirectoryUser): Promise<string> {
  const { token } = await mintAccessToken(emulator.state, {
    user,
    clientAppId: emulator.config.client.clientId,
    clientAuth: "1",
    resourceAppId: emulator.config.server.clientId,
    audience: emulator.config.server.identifierUri,
    version: 2,
    scopes: ["access_as_user"],
  });
  return token;
}
