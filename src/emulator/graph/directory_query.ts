/**
 * Responses for directory collections and entities: `$filter`, `$select`, `$top` and `$skiptoken` paging
 * for lists, `$select` for single objects, with the `@odata.context` Graph builds from them.
 */
import { unknownDirectoryProperty } from "./directory_errors.ts";
import { GraphError } from "./graph_errors.ts";
import { graphJson, odataContext } from "./graph_response.ts";
import type { GraphContext } from "./graph_route.ts";
import { pick, readSelect, readTop, rejectUnsupportedOptions } from "./odata.ts";
import { compileFilter, type FilterField } from "./odata_filter.ts";

/** How a directory type is shown. */
export interface DirectoryType<T> {
  /** Entity set in `@odata.context`, e.g. `applications`. */
  entitySet: string;
  /** Type name in `$select` errors, e.g. `application`. */
  typeName: string;
  /** Resource name in `$filter` errors, e.g. `Application`. */
  filterResource: string;
  /** Properties `$filter` supports. */
  filterFields: Record<string, FilterField<T>>;
  /** Every property the view returns (what `$select` may name). */
  properties: readonly string[];
  /** The Graph JSON of one item. */
  view: (item: T) => Record<string, unknown>;
}

/** The directory's page size when `$top` is absent, and its largest `$top`. */
const DEFAULT_PAGE_SIZE = 100;
const MAX_PAGE_SIZE = 999;

/** A page of a directory collection, filtered and projected as the query asks. */
export function directoryListResponse<T>(
  request: Request,
  context: GraphContext,
  options: { type: DirectoryType<T>; items: readonly T[] },
): Response {
  const { url, state } = context;
  const { type } = options;
  rejectUnsupportedOptions(url, ["$filter", "$select", "$top", "$skiptoken"]);
  const select = readSelect(url, type.properties, {
    unknown: (name) => unknownDirectoryProperty(name, type.typeName),
  });
  const top = readTop(url, { fallback: DEFAULT_PAGE_SIZE, max: MAX_PAGE_SIZE });
  const skip = readSkipToken(url);
  const filter = url.searchParams.get("$filter");
  const matches = filter === null
    ? options.items
    : options.items.filter(compileFilter(filter, type.filterFields, { resource: type.filterResource }));
  const page = matches.slice(skip, skip + top);
  const body: Record<string, unknown> = {
    "@odata.context": odataContext(
      state.baseUrl,
      select ? `${type.entitySet}(${select.join(",")})` : type.entitySet,
    ),
    value: page.map((item) => project(type.view(item), select)),
  };
  if (skip + top < matches.length) {
    const next = new URL(url.pathname, state.baseUrl);
    for (const [name, value] of url.searchParams) {
      if (name !== "$skiptoken") next.searchParams.append(name, value);
    }
    next.searchParams.set("$skiptoken", String(skip + top).padStart(8, "0"));
    // Directory next links keep `$` literal, unlike Outlook's.
    body["@odata.nextLink"] = next.href.replaceAll("%24", "$");
  }
  return graphJson(request, body);
}

/** One directory object (`…/$entity`), projected by `$select`. */
export function directoryEntityResponse<T>(
  request: Request,
  context: GraphContext,
  options: { type: DirectoryType<T>; item: T; status?: number },
): Response {
  const { type } = options;
  rejectUnsupportedOptions(context.url, ["$select"]);
  const select = readSelect(context.url, type.properties, {
    unknown: (name) => unknownDirectoryProperty(name, type.typeName),
  });
  const entitySet = select ? `${type.entitySet}(${select.join(",")})` : type.entitySet;
  return graphJson(request, {
    "@odata.context": odataContext(context.state.baseUrl, `${entitySet}/$entity`),
    ...project(type.view(options.item), select),
  }, { status: options.status });
}

function project(view: Record<string, unknown>, select: string[] | undefined): Record<string, unknown> {
  return select ? pick(view, select) : view;
}

function readSkipToken(url: URL): number {
  const raw = url.searchParams.get("$skiptoken");
  if (raw === null) return 0;
  if (!/^\d{8}$/.test(raw)) {
    throw new GraphError(
      400,
      "Request_BadRequest",
      "The specified page token value has expired or is invalid.",
    );
  }
  return Number(raw);
}
