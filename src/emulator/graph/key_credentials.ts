/**
 * Certificate credentials set through `PATCH /applications/{id}` (`keyCredentials`). Graph replaces the
 * whole collection, takes validity from the certificate unless given, defaults `customKeyIdentifier` to the
 * SHA-1 thumbprint and `displayName` to the subject, and never returns `key` again.
 */
import { z } from "zod";
import type { KeyCredentialRecord } from "../directory.ts";
import { badRequest, invalidPropertyValue } from "./directory_errors.ts";
import { GUID_PATTERN, isoDateTime } from "./schema_parts.ts";
import { readCertificate } from "./x509.ts";

/** A `keyCredential` in a PATCH body. */
export const keyCredentialInput = z.strictObject({
  type: z.literal("AsymmetricX509Cert"),
  usage: z.literal("Verify"),
  key: z.string().min(1),
  displayName: z.string().nullable().optional(),
  keyId: z.string().regex(GUID_PATTERN).optional(),
  customKeyIdentifier: z.string().nullable().optional(),
  startDateTime: isoDateTime.optional(),
  endDateTime: isoDateTime.optional(),
});

/** A `keyCredential` as a client sends it. */
export type KeyCredentialInput = z.infer<typeof keyCredentialInput>;

/** Turns a requested certificate credential into a stored one, or throws Graph's 400. */
export async function keyCredentialFromInput(input: KeyCredentialInput): Promise<KeyCredentialRecord> {
  let der: Uint8Array<ArrayBuffer>;
  try {
    der = Uint8Array.fromBase64(input.key);
  } catch {
    throw invalidPropertyValue("key", "KeyCredential");
  }
  const certificate = readCertificate(der);
  if (!certificate) throw invalidPropertyValue("key", "KeyCredential");
  const start = input.startDateTime ? new Date(input.startDateTime) : certificate.notBefore;
  const end = input.endDateTime ? new Date(input.endDateTime) : certificate.notAfter;
  // Graph refuses a credential that claims to be valid outside its certificate's validity period.
  if (start < certificate.notBefore || end > certificate.notAfter || end <= start) {
    throw badRequest("Key credential end date is invalid.");
  }
  const thumbprint = new Uint8Array(await crypto.subtle.digest("SHA-1", der)).toHex().toUpperCase();
  return {
    customKeyIdentifier: input.customKeyIdentifier ?? thumbprint,
    displayName: input.displayName ?? (certificate.commonName ? `CN=${certificate.commonName}` : null),
    endDateTime: graphDateTime(end),
    keyId: input.keyId ?? crypto.randomUUID(),
    startDateTime: graphDateTime(start),
    type: input.type,
    usage: input.usage,
    key: der.toBase64(),
  };
}

/** Graph's `DateTimeOffset` rendering: UTC with `Z`, whole seconds. */
export function graphDateTime(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}
