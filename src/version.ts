/** The version of entra-obo-mcp, from `deno.json`. */
import denoJson from "../deno.json" with { type: "json" };

/** Semantic version of this build. */
export const VERSION: string = denoJson.version;
