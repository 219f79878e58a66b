/** Building `WWW-Authenticate: Bearer` challenges (RFC 6750 §3, RFC 9728 §5.1). */

/** Quotes a value as an RFC 9110 §5.6.4 quoted-string; control characters are dropped. */
export function quotedString(value: string): string {
  // deno-lint-ignore no-control-regex
  return `"${value.replace(/[\u0000-\u001f\u007f]/g, "").replace(/["\\]/g, (c) => `\\${c}`)}"`;
}

/** A Bearer challenge with the given auth-params, in order, skipping undefined ones. */
export function bearerChallenge(params: Array<[name: string, value: string | undefined]>): string {
  const parts = params.filter(([, value]) => value !== undefined).map(([name, value]) =>
    `${name}=${quotedString(value!)}`
  );
  return parts.length ? `Bearer ${parts.join(", ")}` : "Bearer";
}
