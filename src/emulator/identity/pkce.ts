/** PKCE (RFC 7636) for the authorization code flow. */
import { EntraError } from "./entra_errors.ts";

/** A code challenge sent on the authorization request. */
export interface PkceChallenge {
  challenge: string;
  method: "S256" | "plain";
}

const S256_CHALLENGE = /^[A-Za-z0-9_-]{43}$/;
const PLAIN_CHALLENGE = /^[A-Za-z0-9._~-]{43,128}$/;

/**
 * Reads `code_challenge`/`code_challenge_method`; the method defaults to `plain` (RFC 7636 §4.3). A wrong
 * method is AADSTS90100, a challenge of the wrong size AADSTS501491.
 */
export function readPkceChallenge(parameters: URLSearchParams): PkceChallenge | undefined {
  const challenge = parameters.get("code_challenge");
  if (!challenge) return undefined;
  const method = parameters.get("code_challenge_method") ?? "plain";
  if (method !== "S256" && method !== "plain") {
    throw new EntraError(90100, { params: { parameter: "code_challenge_method" } });
  }
  if (!(method === "S256" ? S256_CHALLENGE : PLAIN_CHALLENGE).test(challenge)) {
    throw new EntraError(501491);
  }
  return { challenge, method };
}

/** Whether the verifier matches the challenge (both absent also matches). */
export async function pkceMatches(
  challenge: PkceChallenge | undefined,
  verifier: string | null,
): Promise<boolean> {
  if (!challenge) return !verifier;
  if (!verifier) return false;
  if (challenge.method === "plain") return verifier === challenge.challenge;
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier));
  return new Uint8Array(digest).toBase64({ alphabet: "base64url", omitPadding: true }) ===
    challenge.challenge;
}
