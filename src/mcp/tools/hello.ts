/** `hello`: greets the signed-in user by their Microsoft Graph display name (`GET /me`). */
import { z } from "zod";
import { type GraphAccess, withGraphToken } from "../graph_access.ts";
import { contextOf } from "../request_context.ts";
import { runTool } from "../run_tool.ts";
import type { McpServer } from "../sdk.ts";
import type { FailureDependencies } from "../tool_failures.ts";

/** Registers the `hello` tool. */
export function registerHelloTool(server: McpServer, dependencies: GraphAccess & FailureDependencies): void {
  server.registerTool("hello", {
    title: "Hello",
    description: "Greets the signed-in user by the display name from their Microsoft 365 profile.",
    outputSchema: { greeting: z.string(), displayName: z.string() },
    annotations: { readOnlyHint: true, openWorldHint: true },
  }, (extra) => {
    const context = contextOf(extra);
    return runTool("hello", context, {
      dependencies,
      work: async () => {
        const me = await withGraphToken(dependencies, context, (token) => dependencies.graph.getMe(token));
        const displayName = me.displayName ?? me.userPrincipalName ?? "there";
        const greeting = `Hello, ${displayName}!`;
        return { content: [{ type: "text", text: greeting }], structuredContent: { greeting, displayName } };
      },
    });
  });
}
