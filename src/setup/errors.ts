/** Typed errors of the setup tool and `doctor`, each carrying the Graph, Entra or az code it stems from. */
import { GraphApiError } from "../graph/errors.ts";

/** A Graph request failed; adds what was asked to Graph's status, code and request ID. */
export class GraphRequestError extends GraphApiError {
  /** HTTP method and path of the failed request, e.g. `POST /v1.0/applications`. */
  readonly operation: string;
  /** Codes of Graph's `details` array, e.g. `NoBackingApplicationObject`. */
  readonly detailCodes: string[];

  constructor(
    fields: ConstructorParameters<typeof GraphApiError>[0] & { operation: string; detailCodes?: string[] },
  ) {
    super(fields);
    this.name = "GraphRequestError";
    this.operation = fields.operation;
    this.detailCodes = fields.detailCodes ?? [];
    this.message = `${fields.operation} failed: HTTP ${fields.status} ${fields.code}: ${fields.message}`;
  }
}

/** What the signed-in user was trying to do when Graph refused, which decides the role to name. */
export type Privilege = "applications" | "consent" | "read";

/** The directory roles that allow each privilege (Entra built-in role names). */
export const ROLES_FOR: Readonly<Record<Privilege, string>> = {
  applications: "Application Administrator or Cloud Application Administrator",
  consent: "Privileged Role Administrator or Global Administrator",
  read: "Directory Readers (or any administrator role)",
};

const WHAT_FOR: Readonly<Record<Privilege, string>> = {
  applications: "create and update app registrations",
  consent: "grant tenant-wide admin consent to Microsoft Graph",
  read: "read app registrations and permission grants",
};

/** Graph answered 403 `Authorization_RequestDenied`: the signed-in user lacks a directory role. */
export class InsufficientPrivilegesError extends GraphRequestError {
  /** The privilege that was missing. */
  readonly privilege: Privilege;
  /** The role(s) that would allow it. */
  readonly role: string;

  constructor(fields: ConstructorParameters<typeof GraphRequestError>[0] & { privilege: Privilege }) {
    super(fields);
    this.name = "InsufficientPrivilegesError";
    this.privilege = fields.privilege;
    this.role = ROLES_FOR[fields.privilege];
    const hint = fields.privilege === "consent"
      ? " Or rerun without --grant-admin-consent and have such an administrator open the admin-consent link."
      : "";
    this.message =
      `Insufficient privileges to ${WHAT_FOR[fields.privilege]} (${fields.operation}: HTTP 403 ` +
      `${fields.code}). Sign in as a user with the ${this.role} role; the sign-in must include the ` +
      `Graph permissions the setup asks for.${hint}`;
  }
}

/** More than one app registration has the display name the setup looks for. */
export class AmbiguousApplicationError extends Error {
  /** A code for scripts: the lookup found several objects. */
  readonly code = "MultipleApplicationsWithSameDisplayName";
  /** The display name looked up. */
  readonly displayName: string;
  /** The application IDs found. */
  readonly appIds: string[];

  constructor(displayName: string, appIds: string[]) {
    super(
      `${appIds.length} app registrations are named "${displayName}" (appIds ${appIds.join(", ")}). ` +
        `Delete or rename the extra ones, or choose another --name.`,
    );
    this.name = "AmbiguousApplicationError";
    this.displayName = displayName;
    this.appIds = appIds;
  }
}

/** The device code sign-in (or the token endpoint) refused; carries the OAuth error and AADSTS code. */
export class SignInError extends Error {
  /** OAuth `error`, e.g. `expired_token`, or `device_code_timeout` when the client gave up waiting. */
  readonly code: string;
  /** The AADSTS number, when Entra sent one. */
  readonly aadsts?: number;

  constructor(code: string, message: string, options: { aadsts?: number } = {}) {
    super(message);
    this.name = "SignInError";
    this.code = code;
    this.aadsts = options.aadsts;
  }
}

/** Why the az CLI could not give a token. */
export type AzCliErrorCode = "AzNotInstalled" | "AzNotSignedIn" | "AzFailed" | "AzBadOutput";

/** `az account get-access-token` could not be used. */
export class AzCliError extends Error {
  /** What went wrong. */
  readonly code: AzCliErrorCode;

  constructor(code: AzCliErrorCode, message: string) {
    super(message);
    this.name = "AzCliError";
    this.code = code;
  }
}

/** The `.env` names another tenant than the one signed in to. */
export class TenantMismatchError extends Error {
  /** A code for scripts. */
  readonly code = "TenantMismatch";

  constructor(envFile: string, tenants: { envTenant: string; signedInTenant: string }) {
    super(
      `${envFile} is for tenant ${tenants.envTenant}, but you signed in to tenant ${tenants.signedInTenant}. ` +
        `Sign in to that tenant (--tenant ${tenants.envTenant}) or use another --env-file.`,
    );
    this.name = "TenantMismatchError";
  }
}

/** The user answered "no" to an interactive question. */
export class SetupDeclinedError extends Error {
  /** A code for scripts. */
  readonly code = "Declined";

  constructor(step: string) {
    super(`answered no before the step ${step}`);
    this.name = "SetupDeclinedError";
  }
}
