import assert from "node:assert/strict";
import { bearerChallenge, quotedString } from "../../src/auth/www_authenticate.ts";

Deno.test("quoted values escape quotes and backslashes (RFC 9110 quoted-string) and drop control characters", () => {
  assert.equal(quotedString(`a"b\\c`), `"a\\"b\\\\c"`);
  assert.equal(quotedString("line\r\nbreak"), `"linebreak"`);
});

Deno.test("challenges list the given parameters in order and skip undefined ones", () => {
  assert.equal(
    bearerChallenge([["error", undefined], ["resource_metadata", "https://x/.well-known/y"], [
      "scope",
      "a b",
    ]]),
    `Bearer resource_metadata="https://x/.well-known/y", scope="a b"`,
  );
  assert.equal(bearerChallenge([]), "Bearer");
});
