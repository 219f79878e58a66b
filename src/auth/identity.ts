/** The verified caller, as the MCP tools see it (through the SDK's `authInfo.extra`). */

/** A user whose access token for this server was verified. */
export interface VerifiedIdentity {
  /** The user's object ID (`oid`). */
  objectId: string;
  /** The user's tenant (`tid`). */
  tenantId: string;
  /** Display name (`name`), if the token has it. */
  name?: string;
  /** Sign-in name (`preferred_username` in v2 tokens, `upn`/`unique_name` in v1). */
  username?: string;
  /** The client application that obtained the token (`azp` / `appid`). */
  clientAppId: string;
  /** Delegated scopes (`scp`), short names. */
  scopes: string[];
  /** Token version (`ver`). */
  tokenVersion: "1.0" | "2.0";
  /** Expiry, in seconds since the epoch (`exp`). */
  expiresAt: number;
  /** A short, stable hash of the user's object ID for logs (never the ID or the token). */
  userHash: string;
}
