/** All Entra ID (identity platform) routes of the emulator. */
import type { Route } from "../router.ts";
import { discoveryRoutes } from "./discovery.ts";

/** Discovery, keys, authorize, token and device-code routes. */
export function identityRoutes(): Route[] {
  return [...discoveryRoutes()];
}
