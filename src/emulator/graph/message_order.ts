/** `$orderby` for messages: `receivedDateTime`, `sentDateTime`, `createdDateTime`, `lastModifiedDateTime`, `subject`. */
import type { MailMessage } from "../directory.ts";
import { GraphError } from "./graph_errors.ts";

const ORDERABLE = [
  "receivedDateTime",
  "sentDateTime",
  "createdDateTime",
  "lastModifiedDateTime",
  "subject",
] as const;

type Orderable = typeof ORDERABLE[number];

/** Options for {@linkcode orderMessages}. */
export interface OrderMessagesOptions {
  /** All property names of a message, to tell a misspelt property from one the emulator cannot sort by. */
  known: readonly string[];
}

/** Sorts a copy of `messages` by `$orderby`; newest received first when absent (what Outlook does). */
export function orderMessages(
  messages: readonly MailMessage[],
  orderby: string | null,
  options: OrderMessagesOptions,
): MailMessage[] {
  const keys = orderby === null
    ? [{ property: "receivedDateTime" as Orderable, descending: true }]
    : parse(orderby, options.known);
  return [...messages].sort((a, b) => {
    for (const { property, descending } of keys) {
      const difference = a[property] < b[property] ? -1 : a[property] > b[property] ? 1 : 0;
      if (difference !== 0) return descending ? -difference : difference;
    }
    return 0;
  });
}

function parse(
  orderby: string,
  known: readonly string[],
): Array<{ property: Orderable; descending: boolean }> {
  return orderby.split(",").map((clause) => {
    const [name = "", direction = "asc", ...rest] = clause.trim().split(/\s+/);
    const property = ORDERABLE.find((p) => p.toLowerCase() === name.toLowerCase());
    if (!property && known.some((k) => k.toLowerCase() === name.toLowerCase())) {
      throw new GraphError(400, "BadRequest", `The emulator cannot order messages by '${name}'.`);
    }
    if (!property) {
      throw new GraphError(
        400,
        "RequestBroker--ParseUri",
        `Could not find a property named '${name}' on type 'Microsoft.OutlookServices.Message'.`,
      );
    }
    if (rest.length > 0 || !["asc", "desc"].includes(direction.toLowerCase())) {
      throw new GraphError(400, "BadRequest", `Invalid $orderby clause '${clause.trim()}'.`);
    }
    return { property, descending: direction.toLowerCase() === "desc" };
  });
}
