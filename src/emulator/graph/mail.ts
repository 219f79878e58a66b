/**
 * `GET /v1.0/me/mailFolders/{folder}/messages`: the signed-in user's messages in a well-known folder
 * (names are case-insensitive) or a folder by ID, with `$top`/`$skip` paging, `$select` and `$orderby`,
 * newest first by default, and an absolute `@odata.nextLink` while more items remain.
 */
import { findUser, type MailMessage } from "../directory.ts";
import type { Route } from "../router.ts";
import { GraphError } from "./graph_errors.ts";
import { graphJson, odataContext } from "./graph_response.ts";
import { graphRoute } from "./graph_route.ts";
import { orderMessages } from "./message_order.ts";
import { pick, readSelect, readSkip, readTop, rejectUnsupportedOptions } from "./odata.ts";
import { hasPermission, PERMISSIONS, requirePermission, requireSignedInUser } from "./permissions.ts";
import { messageView } from "./views.ts";

/** Outlook's well-known folder names; the emulated mailbox only has mail in `junkemail`. */
const WELL_KNOWN_FOLDERS = ["inbox", "junkemail", "drafts", "sentitems", "deleteditems", "archive", "outbox"];

const MESSAGE_PROPERTIES = Object.keys(
  messageView(
    {
      id: "",
      changeKey: "",
      createdDateTime: "",
      lastModifiedDateTime: "",
      receivedDateTime: "",
      sentDateTime: "",
      subject: "",
      bodyPreview: "",
      importance: "normal",
      isRead: false,
      hasAttachments: false,
      internetMessageId: "",
      conversationId: "",
      from: { emailAddress: { name: "", address: "" } },
      toRecipients: [],
      body: { contentType: "text", content: "" },
    },
    { parentFolderId: "" },
  ),
).filter((name) => name !== "@odata.etag");

/** Properties Mail.ReadBasic does not grant. */
const BODY_PROPERTIES = ["body", "bodyPreview"];

/** Graph's page size for messages when `$top` is absent. */
const DEFAULT_PAGE_SIZE = 10;

/** The mail routes. */
export function mailRoutes(): Route[] {
  return [
    graphRoute("GET /v1.0/me/mailFolders/:folder/messages", (request, context) => {
      const { caller, state, url } = context;
      const userId = requireSignedInUser(caller);
      requirePermission(caller, PERMISSIONS.mailRead, { workload: "mail" });
      rejectUnsupportedOptions(url, ["$top", "$skip", "$select", "$orderby"]);
      const top = readTop(url, { fallback: DEFAULT_PAGE_SIZE, max: 1000 });
      const skip = readSkip(url);
      const select = readSelect(url, MESSAGE_PROPERTIES, { unknown: unknownMessageProperty });
      const basicOnly = !hasPermission(caller, ["Mail.Read", "Mail.ReadWrite"]);
      if (basicOnly && select?.some((name) => BODY_PROPERTIES.includes(name))) {
        throw new GraphError(403, "ErrorAccessDenied", "Access is denied. Check credentials and try again.");
      }
      const user = findUser(state.directory, userId);
      if (!user) {
        throw new GraphError(
          404,
          "MailboxNotEnabledForRESTAPI",
          "The mailbox is either inactive, soft-deleted, or is hosted on-premise.",
        );
      }
      const folderName = decodeURIComponent(context.params.folder ?? "");
      const folder = resolveFolder(userId, folderName);
      const messages = orderMessages(
        folder === "junkemail" ? user.junkEmail : [],
        url.searchParams.get("$orderby"),
        { known: MESSAGE_PROPERTIES },
      );
      const page = messages.slice(skip, skip + top);
      const parentFolderId = folderId(userId, folder);
      const value = page.map((message) => render(message, { parentFolderId, select, basicOnly }));
      const selected = select ? `(${select.join(",")})` : "";
      const body: Record<string, unknown> = {
        "@odata.context": odataContext(
          state.baseUrl,
          `users('${userId}')/mailFolders('${folderName}')/messages${selected}`,
        ),
        value,
      };
      if (skip + top < messages.length) body["@odata.nextLink"] = nextLink(state.baseUrl, url, { top, skip });
      return graphJson(request, body);
    }),
  ];
}

/** Outlook's opaque folder ID for a user's well-known folder. */
function folderId(userId: string, folder: string): string {
  return `AAMkA${new TextEncoder().encode(`${userId}/${folder}`).toBase64({ alphabet: "base64url" })}`;
}

function resolveFolder(userId: string, name: string): string {
  const folder = WELL_KNOWN_FOLDERS.find((f) => f === name.toLowerCase() || folderId(userId, f) === name);
  if (!folder) {
    throw new GraphError(404, "ErrorItemNotFound", "The specified object was not found in the store.");
  }
  return folder;
}

function render(
  message: MailMessage,
  options: { parentFolderId: string; select?: string[]; basicOnly: boolean },
): Record<string, unknown> {
  const view = messageView(message, { parentFolderId: options.parentFolderId });
  if (options.basicOnly) { for (const name of BODY_PROPERTIES) delete view[name]; }
  // Outlook always returns the etag and id, selected or not.
  return options.select ? pick(view, ["@odata.etag", "id", ...options.select]) : view;
}

function unknownMessageProperty(name: string): GraphError {
  return new GraphError(
    400,
    "RequestBroker--ParseUri",
    `Could not find a property named '${name}' on type 'Microsoft.OutlookServices.Message'.`,
  );
}

/** The next page's URL: `$top` first, the other options as sent, then `$skip`, percent-encoded as Graph does. */
function nextLink(baseUrl: string, url: URL, page: { top: number; skip: number }): string {
  const options: Array<[string, string]> = [["$top", String(page.top)]];
  for (const [name, value] of url.searchParams) {
    if (name !== "$top" && name !== "$skip") options.push([name, value]);
  }
  options.push(["$skip", String(page.skip + page.top)]);
  const query = options.map(([name, value]) => `${encode(name)}=${encode(value)}`).join("&");
  return `${baseUrl}${url.pathname}?${query}`;
}

function encode(text: string): string {
  return encodeURIComponent(text).replace(/%[0-9A-F]{2}/g, (escape) => escape.toLowerCase());
}
