/**
 * OpenTelemetry spans and metrics. Deno's built-in OpenTelemetry (`OTEL_DENO=true`) registers the providers
 * behind `@opentelemetry/api` and instruments `Deno.serve` and `fetch` itself; this module adds what only
 * the application knows: MCP requests, OBO cache outcomes and exchanges, Graph calls, tool results.
 * Without `OTEL_DENO` the API is a no-op and costs next to nothing.
 */
import { type Attributes, metrics, type Span, SpanStatusCode, trace } from "@opentelemetry/api";
import { VERSION } from "../version.ts";

const tracer = trace.getTracer("entra-obo-mcp", VERSION);
const meter = metrics.getMeter("entra-obo-mcp", VERSION);

/** OBO cache lookups by outcome (`hit`, `miss`, `shared`, `remembered_failure`). */
export const oboCacheLookups = meter.createCounter("entra_obo_mcp.obo.cache_lookups", {
  description: "Graph token lookups in the On-Behalf-Of cache, by outcome",
});

/** OBO exchanges sent to Entra ID, by result (`ok` or the OAuth error). */
export const oboExchanges = meter.createCounter("entra_obo_mcp.obo.exchanges", {
  description: "On-Behalf-Of token exchanges sent to Microsoft Entra ID, by result",
});

/** Tool calls by tool and result (`ok` or `error`). */
export const toolCalls = meter.createCounter("entra_obo_mcp.tool.calls", {
  description: "MCP tool calls, by tool and result",
});

/** Runs `work` inside an active span named `name`; exceptions are recorded and rethrown. */
export async function inSpan<T>(
  name: string,
  attributes: Attributes,
  work: (span: Span) => Promise<T>,
): Promise<T> {
  return await tracer.startActiveSpan(name, { attributes }, async (span) => {
    try {
      return await work(span);
    } catch (error) {
      span.recordException(error as Error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).name });
      throw error;
    } finally {
      span.end();
    }
  });
}

/** Adds attributes to the active span (Deno's own span for the incoming request, when serving). */
export function annotateActiveSpan(attributes: Attributes): void {
  trace.getActiveSpan()?.setAttributes(attributes);
}
