/** Running `main.ts demo` and following its printed instructions, as a newcomer would. */
import assert from "node:assert/strict";
import { spawnDeno } from "./process.ts";

/**
 * Starts the demo with the permission `flags`, sends the printed curl request (printed URL, token and body)
 * and asserts the answer is `Hello, <the printed user>!`; then stops the demo with SIGINT (exit code 0).
 */
export async function followDemoInstructions(flags: readonly string[]): Promise<void> {
  await using child = spawnDeno(["run", ...flags, "main.ts", "demo", "--port", "0", "--emulator-port", "0"]);
  await child.stdoutLine(/^Press Ctrl\+C to stop\.$/);
  const text = child.output().stdout.join("\n");
  const token = text.match(/^TOKEN=(\S+)$/m)![1];
  const mcpUrl = text.match(/^ {2}MCP server\s+(\S+)$/m)![1];
  const user = text.match(/A bearer token for (.+) \(/)![1];
  const body = text.match(/-d '(.+)'$/m)![1];
  const response = await fetch(mcpUrl, {
    method: "POST",
    headers: {
      authorization: `Bearer ${token}`,
      accept: "application/json, text/event-stream",
      "content-type": "application/json",
    },
    body,
  });
  assert.equal(response.status, 200);
  const result = await response.json();
  assert.equal(result.result.content[0].text, `Hello, ${user}!`);
  assert.equal(await child.stop("SIGINT"), 0);
}
