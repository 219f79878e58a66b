/**
 * `doctor`: can the server reach its tenant's OpenID configuration and signing keys? Uses the server's own
 * loaders, so it fails exactly when token verification would.
 */
import { JwksSource } from "../auth/jwks.ts";
import { OidcMetadataSource } from "../auth/oidc_metadata.ts";
import type { ServerConfig } from "../config/mod.ts";
import { silentLogger } from "../log/logger.ts";
import type { CheckResult } from "./check.ts";

const TITLE = "OIDC discovery and signing keys";

/** Fetches the v2.0 discovery document and the JWKS it names. */
export async function checkDiscovery(config: ServerConfig): Promise<CheckResult> {
  const metadata = new OidcMetadataSource(config, { logger: silentLogger });
  try {
    const { issuerV2, jwksUri } = await metadata.get();
    const keys = new JwksSource(metadata, {
      logger: silentLogger,
      cooldownMs: 0,
      timeoutMs: config.upstreamTimeoutMs,
    });
    await keys.refresh();
    return {
      id: "discovery",
      title: TITLE,
      status: "pass",
      detail: `issuer ${issuerV2}, keys at ${jwksUri}`,
    };
  } catch (error) {
    return {
      id: "discovery",
      title: TITLE,
      status: "fail",
      detail: (error as Error).message,
      fix: `check AZURE_TENANT_ID (${config.tenantId}) and AZURE_AUTHORITY_HOST/AZURE_CLOUD ` +
        `(${config.authorityHost}), and that this machine can reach ${config.authorityHost} over HTTPS`,
    };
  }
}
