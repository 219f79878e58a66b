/** The Microsoft Graph calls the tools make, as plain `fetch` requests to `GRAPH_BASE_URL`. */
import type { Logger } from "../log/logger.ts";
import { inSpan } from "../telemetry/mod.ts";
import { fetchWithRetry, retryAfterSeconds } from "../upstream/fetch_with_retry.ts";
import { GraphApiError } from "./errors.ts";

/** The signed-in user's profile (`GET /v1.0/me`). */
export interface GraphUser {
  id: string;
  displayName: string | null;
  userPrincipalName: string | null;
  mail: string | null;
}

/** A message as selected by `list_junk_emails`. */
export interface GraphMessage {
  subject: string | null;
  receivedDateTime: string;
  from?: { emailAddress?: { name?: string; address?: string } };
}

/** Options for {@linkcode GraphClient}. */
export interface GraphClientOptions {
  baseUrl: string;
  timeoutMs: number;
  logger: Logger;
}

/** A thin Graph client: one method per call the tools need. */
export class GraphClient {
  readonly #options: GraphClientOptions;

  constructor(options: GraphClientOptions) {
    this.#options = options;
  }

  /** `GET /v1.0/me`. */
  getMe(token: string): Promise<GraphUser> {
    return inSpan("graph.get_me", { "graph.path": "/v1.0/me" }, () => {
      return this.#get<GraphUser>("/v1.0/me?$select=id,displayName,userPrincipalName,mail", token);
    });
  }

  /** The newest `top` messages of the Junk Email folder. */
  listJunkEmails(token: string, top: number): Promise<GraphMessage[]> {
    const path = "/v1.0/me/mailFolders/junkemail/messages";
    return inSpan("graph.list_junk_emails", { "graph.path": path, "graph.top": top }, async () => {
      const query = new URLSearchParams({
        $top: String(top),
        $select: "subject,from,receivedDateTime",
        $orderby: "receivedDateTime desc",
      });
      const page = await this.#get<{ value: GraphMessage[] }>(`${path}?${query}`, token);
      return Array.isArray(page.value) ? page.value : [];
    });
  }

  async #get<T>(path: string, token: string): Promise<T> {
    const response = await fetchWithRetry(`${this.#options.baseUrl}${path}`, {
      headers: { authorization: `Bearer ${token}`, accept: "application/json" },
    }, {
      service: "Microsoft Graph",
      timeoutMs: this.#options.timeoutMs,
      onRetry: (info) => this.#options.logger.warn("graph retry", { ...info, upstream: "graph" }),
    });
    const text = await response.text();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    if (response.ok && typeof body === "object" && body !== null) return body as T;
    const error = (body as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
    throw new GraphApiError({
      status: response.status,
      code: typeof error?.code === "string" ? error.code : `HTTP${response.status}`,
      message: typeof error?.message === "string" ? error.message : `Graph answered HTTP ${response.status}`,
      requestId: response.headers.get("request-id") ?? undefined,
      retryAfter: retryAfterSeconds(response.headers),
    });
  }
}
