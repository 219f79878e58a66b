/** What `/readyz` reports besides metadata and keys: whether Entra accepted the server's own credential. */

/** The outcome of the server's last use of its credential. */
export interface CredentialStatus {
  state: "unknown" | "ok" | "failed";
  /** Why it failed (AADSTS code and a short reason; never the secret). */
  detail?: string;
  atMs?: number;
}

/** Mutable health shared by the OBO path (writer) and `/readyz` (reader). */
export class ServerHealth {
  credential: CredentialStatus = { state: "unknown" };

  /** Records that Entra accepted the credential. */
  credentialAccepted(): void {
    this.credential = { state: "ok", atMs: Date.now() };
  }

  /** Records that Entra rejected the credential. */
  credentialRejected(detail: string): void {
    this.credential = { state: "failed", detail, atMs: Date.now() };
  }
}
