/** All Entra ID (identity platform) routes of the emulator. */
import { type Route, route } from "../router.ts";
import { handleAuthorize } from "./authorize.ts";
import { handleDeviceAuthorization } from "./device_code.ts";
import { handleDeviceLogin } from "./device_login_page.ts";
import { discoveryRoutes } from "./discovery.ts";
import { handleTokenRequest } from "./token_endpoint.ts";

/** Discovery, keys, authorize, token and device-code routes. */
export function identityRoutes(): Route[] {
  return [
    ...discoveryRoutes(),
    route(["GET", "POST"], "/:tenant/oauth2/v2.0/authorize", "entra", handleAuthorize, "authorize"),
    // GET is routed so that it gets Entra's AADSTS900561 rather than a bare 405.
    route(["GET", "POST"], "/:tenant/oauth2/v2.0/token", "entra", handleTokenRequest),
    route(
      ["GET", "POST"],
      "/:tenant/oauth2/v2.0/devicecode",
      "entra",
      handleDeviceAuthorization,
      "devicecode",
    ),
    route(["GET", "POST"], "/devicelogin", "entra", handleDeviceLogin, "devicelogin"),
  ];
}
