/** Validation building blocks shared by the Graph request schemas. */
import { z } from "zod";

/** A GUID in Graph's 8-4-4-4-12 form (any version, as Microsoft's first-party IDs are not RFC 4122). */
export const GUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A GUID string. */
export const guid = z.string().regex(GUID_PATTERN);

/** An ISO 8601 date-time with a UTC designator or offset, as Graph's `DateTimeOffset`. */
export const isoDateTime = z.string().refine(
  (text) =>
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(text) &&
    !Number.isNaN(Date.parse(text)),
);
