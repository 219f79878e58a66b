/**
 * The part of OData `$filter` that directory queries use: `prop eq 'v'`, `startswith(prop,'v')`,
 * `collection/any(x:x eq 'v')`, combined with `and`/`or` and parentheses. String literals use `''` to
 * escape a quote. Comparisons are case-insensitive, as the directory compares strings.
 */
import { GraphError } from "./graph_errors.ts";

/** A literal in a filter. */
export type FilterLiteral = string | boolean | null;

/** One condition on one property. */
export type FilterClause =
  | { kind: "compare"; operator: string; property: string; value: FilterLiteral }
  | { kind: "function"; name: string; property: string; value: FilterLiteral }
  | { kind: "any"; property: string; value: FilterLiteral };

/** A parsed filter expression. */
export type FilterExpression =
  | FilterClause
  | { kind: "and" | "or"; left: FilterExpression; right: FilterExpression };

/** How a resource exposes a property to `$filter`. */
export interface FilterField<T> {
  /** The property's value on an item. */
  read: (item: T) => string | null | readonly string[];
  /** Operations the property supports: `eq`, `startswith`, `any` (collections). */
  operations: ReadonlyArray<"eq" | "startswith" | "any">;
}

/** Options for {@linkcode compileFilter}. */
export interface CompileFilterOptions {
  /** Graph's resource name in error messages, e.g. `Application`. */
  resource: string;
}

/** Parses `$filter` and turns it into a predicate, or throws Graph's 400 for bad or unsupported clauses. */
export function compileFilter<T>(
  text: string,
  fields: Record<string, FilterField<T>>,
  options: CompileFilterOptions,
): (item: T) => boolean {
  const expression = parseFilter(text);
  check(expression, fields, options.resource);
  return (item) => evaluate(expression, item, fields);
}

/** Parses a `$filter` expression (syntax only). */
export function parseFilter(text: string): FilterExpression {
  const parser = new Parser(tokenize(text));
  const expression = parser.orExpression();
  parser.expectEnd();
  return expression;
}

type Token = { type: "word" | "string" | "punct"; text: string };

function invalidFilter(detail: string): GraphError {
  return new GraphError(400, "BadRequest", `Invalid filter clause: ${detail}`);
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (/\s/.test(c)) {
      i++;
    } else if ("(),:/".includes(c)) {
      tokens.push({ type: "punct", text: c });
      i++;
    } else if (c === "'") {
      let value = "";
      i++;
      for (;;) {
        if (i >= text.length) throw invalidFilter("unterminated string literal.");
        if (text[i] === "'") {
          if (text[i + 1] === "'") {
            value += "'";
            i += 2;
            continue;
          }
          i++;
          break;
        }
        value += text[i++];
      }
      tokens.push({ type: "string", text: value });
    } else {
      const word = /^[A-Za-z0-9_.$@-]+/.exec(text.slice(i))?.[0];
      if (!word) throw invalidFilter(`syntax error at position ${i} in '${text}'.`);
      tokens.push({ type: "word", text: word });
      i += word.length;
    }
  }
  return tokens;
}

const COMPARISONS = new Set(["eq", "ne", "gt", "ge", "lt", "le"]);

class Parser {
  #tokens: Token[];
  #position = 0;

  constructor(tokens: Token[]) {
    this.#tokens = tokens;
  }

  orExpression(): FilterExpression {
    let left = this.andExpression();
    while (this.#peekWord("or")) {
      this.#position++;
      left = { kind: "or", left, right: this.andExpression() };
    }
    return left;
  }

  andExpression(): FilterExpression {
    let left = this.primary();
    while (this.#peekWord("and")) {
      this.#position++;
      left = { kind: "and", left, right: this.primary() };
    }
    return left;
  }

  primary(): FilterExpression {
    if (this.#peekPunct("(")) {
      this.#position++;
      const inner = this.orExpression();
      this.#expectPunct(")");
      return inner;
    }
    const name = this.#word();
    if (this.#peekPunct("(")) {
      this.#position++;
      const property = this.#word();
      this.#expectPunct(",");
      const value = this.#literal();
      this.#expectPunct(")");
      return { kind: "function", name: name.toLowerCase(), property, value };
    }
    if (this.#peekPunct("/")) {
      this.#position++;
      if (this.#word().toLowerCase() !== "any") throw invalidFilter("only the 'any' lambda is supported.");
      this.#expectPunct("(");
      const variable = this.#word();
      this.#expectPunct(":");
      if (this.#word() !== variable) throw invalidFilter(`the lambda must compare '${variable}'.`);
      if (this.#word().toLowerCase() !== "eq") throw invalidFilter("the lambda must use 'eq'.");
      const value = this.#literal();
      this.#expectPunct(")");
      return { kind: "any", property: name, value };
    }
    const operator = this.#word().toLowerCase();
    if (!COMPARISONS.has(operator)) throw invalidFilter(`unknown operator '${operator}'.`);
    return { kind: "compare", operator, property: name, value: this.#literal() };
  }

  expectEnd(): void {
    const token = this.#tokens[this.#position];
    if (token) throw invalidFilter(`unexpected '${token.text}'.`);
  }

  #peekWord(word: string): boolean {
    const token = this.#tokens[this.#position];
    return token?.type === "word" && token.text.toLowerCase() === word;
  }

  #peekPunct(text: string): boolean {
    const token = this.#tokens[this.#position];
    return token?.type === "punct" && token.text === text;
  }

  #expectPunct(text: string): void {
    if (!this.#peekPunct(text)) throw invalidFilter(`expected '${text}'.`);
    this.#position++;
  }

  #word(): string {
    const token = this.#tokens[this.#position];
    if (token?.type !== "word") throw invalidFilter(`expected a name, found '${token?.text ?? "end"}'.`);
    this.#position++;
    return token.text;
  }

  #literal(): FilterLiteral {
    const token = this.#tokens[this.#position++];
    if (token?.type === "string") return token.text;
    if (token?.type === "word" && ["null", "true", "false"].includes(token.text)) {
      return token.text === "null" ? null : token.text === "true";
    }
    // Directory properties such as appId are Edm.String: an unquoted GUID is a type error on Graph too.
    throw invalidFilter(`expected a quoted string literal, found '${token?.text ?? "end"}'.`);
  }
}

function check<T>(
  expression: FilterExpression,
  fields: Record<string, FilterField<T>>,
  resource: string,
): void {
  if ("left" in expression) {
    check(expression.left, fields, resource);
    check(expression.right, fields, resource);
    return;
  }
  const operation = expression.kind === "compare"
    ? expression.operator
    : expression.kind === "function"
    ? expression.name
    : "any";
  const field = fields[expression.property];
  const supported = field?.operations.some((o) => o === operation) &&
    (expression.value === null || typeof expression.value === "string");
  if (!supported) {
    throw new GraphError(
      400,
      "Request_UnsupportedQuery",
      `Unsupported or invalid query filter clause specified for property '${expression.property}' of resource '${resource}'.`,
    );
  }
}

function evaluate<T>(expression: FilterExpression, item: T, fields: Record<string, FilterField<T>>): boolean {
  switch (expression.kind) {
    case "and":
      return evaluate(expression.left, item, fields) && evaluate(expression.right, item, fields);
    case "or":
      return evaluate(expression.left, item, fields) || evaluate(expression.right, item, fields);
    default: {
      const actual = fields[expression.property].read(item);
      const wanted = typeof expression.value === "string" ? expression.value.toLowerCase() : null;
      if (expression.kind === "any") {
        return Array.isArray(actual) && actual.some((v) => v.toLowerCase() === wanted);
      }
      if (Array.isArray(actual)) return false;
      const value = typeof actual === "string" ? actual.toLowerCase() : null;
      if (expression.kind === "function") {
        return value !== null && wanted !== null && value.startsWith(wanted);
      }
      return value === wanted;
    }
  }
}
