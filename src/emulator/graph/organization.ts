/** `GET /v1.0/organization`: the tenant, with its verified domains. */
import type { Directory } from "../directory.ts";
import type { Route } from "../router.ts";
import { graphJson, odataContext } from "./graph_response.ts";
import { graphRoute } from "./graph_route.ts";
import { rejectUnsupportedOptions } from "./odata.ts";
import { PERMISSIONS, requirePermission } from "./permissions.ts";

/**
 * The tenant's verified domains: the initial `*.onmicrosoft.com` domain (the default) and the custom
 * domains its users' mail addresses are on.
 */
export function verifiedDomainNames(directory: Directory): string[] {
  const custom = directory.users
    .map((user) => user.mail?.split("@")[1]?.toLowerCase())
    .filter((domain): domain is string => domain !== undefined && domain !== directory.domain);
  return [directory.domain, ...new Set(custom)];
}

/** The organization route. */
export function organizationRoutes(): Route[] {
  return [
    graphRoute("GET /v1.0/organization", (request, { caller, state, url }) => {
      requirePermission(caller, PERMISSIONS.organizationRead);
      rejectUnsupportedOptions(url, []);
      const { directory } = state;
      return graphJson(request, {
        "@odata.context": odataContext(state.baseUrl, "organization"),
        value: [{
          id: directory.tenantId,
          deletedDateTime: null,
          businessPhones: [],
          city: null,
          country: null,
          countryLetterCode: "US",
          createdDateTime: "2026-01-01T00:00:00Z",
          defaultUsageLocation: null,
          displayName: directory.displayName,
          marketingNotificationEmails: [],
          onPremisesLastSyncDateTime: null,
          onPremisesSyncEnabled: null,
          postalCode: null,
          preferredLanguage: "en",
          securityComplianceNotificationMails: [],
          securityComplianceNotificationPhones: [],
          state: null,
          street: null,
          technicalNotificationMails: [],
          tenantType: "AAD",
          assignedPlans: [],
          provisionedPlans: [],
          verifiedDomains: verifiedDomainNames(directory).map((name, index) => ({
            capabilities: "Email, OfficeCommunicationsOnline",
            isDefault: index === 0,
            isInitial: index === 0,
            name,
            type: "Managed",
          })),
        }],
      });
    }),
  ];
}
