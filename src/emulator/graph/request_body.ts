/** Reading and validating Graph request bodies, with Graph's 400 errors for bad JSON and bad properties. */
import type { z } from "zod";
import { badRequest, invalidPropertyValue } from "./directory_errors.ts";
import { GraphError } from "./graph_errors.ts";

/** Options for {@linkcode readJsonObject}. */
export interface ReadJsonOptions {
  /** Treat an empty body as `{}` (for actions whose parameters are all optional). */
  allowEmpty?: boolean;
}

/**
 * The request's JSON object body with `@odata.*` annotations removed (SDKs send `@odata.type`), or
 * Graph's 400 for an empty or unparsable body.
 */
export async function readJsonObject(
  request: Request,
  options: ReadJsonOptions = {},
): Promise<Record<string, unknown>> {
  const text = await request.text();
  if (text.trim() === "") {
    if (options.allowEmpty) return {};
    throw new GraphError(400, "BadRequest", "Empty Payload. JSON content expected.");
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new GraphError(
      400,
      "BadRequest",
      "Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.",
    );
  }
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new GraphError(400, "BadRequest", "The request payload must be a JSON object.");
  }
  return withoutAnnotations(body) as Record<string, unknown>;
}

/** Options for {@linkcode parseBody}. */
export interface ParseBodyOptions {
  /** Graph's resource name in messages, e.g. `Application`. */
  resource: string;
  /** Properties that exist on Graph but that clients may not set. */
  readOnly?: readonly string[];
  /** Properties Graph has but the emulator does not store: refused rather than silently dropped. */
  notEmulated?: readonly string[];
}

/** Validates a body against a schema, answering like Graph for read-only, unknown and invalid properties. */
export function parseBody<T>(
  schema: z.ZodType<T>,
  body: Record<string, unknown>,
  options: ParseBodyOptions,
): T {
  for (const name of Object.keys(body)) {
    if (options.readOnly?.includes(name)) {
      throw badRequest(`Property '${name}' is read-only and cannot be set.`);
    }
    if (options.notEmulated?.includes(name)) {
      throw badRequest(
        `The emulator does not support setting property '${name}' of resource '${options.resource}'.`,
      );
    }
  }
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  if (issue.code === "unrecognized_keys") {
    throw badRequest(
      `Property '${issue.keys[0]}' does not exist as a declared property or extension property.`,
    );
  }
  const property = issue.path.filter((part): part is string => typeof part === "string").join(".");
  throw invalidPropertyValue(property || "(body)", options.resource);
}

function withoutAnnotations(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutAnnotations);
  if (typeof value !== "object" || value === null) return value;
  return Object.fromEntries(
    Object.entries(value).filter(([key]) => !key.startsWith("@odata.")).map((
      [k, v],
    ) => [k, withoutAnnotations(v)]),
  );
}
