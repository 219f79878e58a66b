/** All Microsoft Graph routes of the emulator. */
import type { Route } from "../router.ts";

/** `/v1.0/me`, mail and the app-registration API. */
export function graphRoutes(): Route[] {
  return [];
}
