/** The frame every tool call runs in: a span, a counter, and failures turned into tool results. */
import { inSpan, toolCalls } from "../telemetry/mod.ts";
import type { McpRequestContext } from "./request_context.ts";
import type { CallToolResult } from "./sdk.ts";
import { type FailureDependencies, toolFailure } from "./tool_failures.ts";

/** Runs the tool `name` for `context`; a thrown error becomes an `isError` result a person can act on. */
export function runTool(
  name: string,
  context: McpRequestContext,
  options: { dependencies: FailureDependencies; work: () => Promise<CallToolResult> },
): Promise<CallToolResult> {
  return inSpan(
    `mcp.tool ${name}`,
    { "mcp.tool": name, "enduser.hash": context.identity.userHash },
    async (span) => {
      let result: CallToolResult;
      try {
        result = await options.work();
      } catch (error) {
        result = toolFailure(error, context, options.dependencies);
      }
      const outcome = result.isError ? "error" : "ok";
      span.setAttribute("mcp.tool.result", outcome);
      toolCalls.add(1, { tool: name, result: outcome });
      return result;
    },
  );
}
