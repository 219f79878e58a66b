/** `list_junk_emails`: the newest messages of the user's Junk Email folder, one line each. */
import { z } from "zod";
import type { GraphMessage } from "../../graph/graph_client.ts";
import { type GraphAccess, withGraphToken } from "../graph_access.ts";
import { contextOf } from "../request_context.ts";
import { runTool } from "../run_tool.ts";
import type { McpServer } from "../sdk.ts";
import type { FailureDependencies } from "../tool_failures.ts";

/** Registers the `list_junk_emails` tool. */
export function registerListJunkEmailsTool(
  server: McpServer,
  dependencies: GraphAccess & FailureDependencies,
): void {
  server.registerTool("list_junk_emails", {
    title: "List junk emails",
    description:
      "Lists the newest messages in the signed-in user's Junk Email folder (5 unless `count` is given).",
    inputSchema: {
      count: z.number().int().min(1).max(50).optional().describe(
        "How many messages to list (1-50, default 5).",
      ),
    },
    outputSchema: {
      count: z.number().int(),
      messages: z.array(z.object({ subject: z.string(), from: z.string(), receivedDateTime: z.string() })),
    },
    annotations: { readOnlyHint: true, openWorldHint: true },
  }, ({ count }, extra) => {
    const context = contextOf(extra);
    return runTool("list_junk_emails", context, {
      dependencies,
      work: async () => {
        const top = count ?? 5;
        const found = await withGraphToken(
          dependencies,
          context,
          (token) => dependencies.graph.listJunkEmails(token, top),
        );
        const messages = found.slice(0, top).map(summarize);
        const text = messages.length === 0
          ? "No junk emails found."
          : messages.map((m) => `- ${m.subject} (from: ${m.from}, ${m.receivedDateTime})`).join("\n");
        return { content: [{ type: "text", text }], structuredContent: { count: messages.length, messages } };
      },
    });
  });
}

function summarize(message: GraphMessage): { subject: string; from: string; receivedDateTime: string } {
  return {
    subject: message.subject || "(no subject)",
    from: message.from?.emailAddress?.address || message.from?.emailAddress?.name || "unknown sender",
    receivedDateTime: message.receivedDateTime,
  };
}
