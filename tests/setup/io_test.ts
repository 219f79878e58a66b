/** Reading `--interactive` answers: lines from standard input, y/yes means yes, anything else (or EOF) no. */
import assert from "node:assert/strict";
import { isYes, lineReader } from "../../src/setup/io.ts";

function stream(...chunks: string[]): () => ReadableStream<Uint8Array> {
  return () => ReadableStream.from(chunks.map((c) => new TextEncoder().encode(c)));
}

Deno.test("lineReader splits chunks into lines, strips CR, and returns the last line and then null", async () => {
  const read = lineReader(stream("y", "es\r\nno\n", "last"));
  assert.equal(await read(), "yes");
  assert.equal(await read(), "no");
  assert.equal(await read(), "last");
  assert.equal(await read(), null);
  assert.equal(await read(), null);
});

Deno.test("lineReader opens its stream only when a line is asked for", async () => {
  let opened = 0;
  const read = lineReader(() => {
    opened++;
    return stream("y\n")();
  });
  assert.equal(opened, 0);
  assert.equal(await read(), "y");
  assert.equal(opened, 1);
});

Deno.test("isYes: y or yes in any case; the default (empty, no, EOF) is no", () => {
  for (const yes of ["y", "Y", "yes", " YES "]) assert.equal(isYes(yes), true, yes);
  for (const no of ["", "n", "no", "yess", "sure", null]) assert.equal(isYes(no), false, String(no));
});
