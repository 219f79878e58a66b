/** All Microsoft Graph routes of the emulator. */
import type { Route } from "../router.ts";
import { applicationRoutes } from "./applications.ts";
import { federatedCredentialRoutes } from "./federated_credentials.ts";
import { mailRoutes } from "./mail.ts";
import { userRoutes } from "./me.ts";
import { organizationRoutes } from "./organization.ts";
import { passwordCredentialRoutes } from "./password_credentials.ts";
import { permissionGrantRoutes } from "./permission_grants.ts";
import { servicePrincipalRoutes } from "./service_principals.ts";

/** `/v1.0/me`, mail and the app-registration API. */
export function graphRoutes(): Route[] {
  return [
    ...userRoutes(),
    ...mailRoutes(),
    ...organizationRoutes(),
    ...applicationRoutes(),
    ...passwordCredentialRoutes(),
    ...federatedCredentialRoutes(),
    ...servicePrincipalRoutes(),
    ...permissionGrantRoutes(),
  ];
}
