/** The benchmark's side of the load generator process (see load_generator.ts). */
import { readLines } from "./lines.ts";
import type { LoadJob, LoadResult } from "./load_protocol.ts";

/** A running load generator. */
export interface LoadGenerator {
  run(job: LoadJob): Promise<LoadResult>;
  close(): Promise<void>;
}

/** Starts the load generator process. */
export function startLoadGenerator(): LoadGenerator {
  const process = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-net=127.0.0.1", new URL("./load_generator.ts", import.meta.url).pathname],
    stdin: "piped",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const writer = process.stdin.getWriter();
  const results = readLines(process.stdout);
  const encoder = new TextEncoder();
  let queue = Promise.resolve();
  return {
    run(job) {
      const result = queue.then(async () => {
        await writer.write(encoder.encode(`${JSON.stringify(job)}\n`));
        const { value, done } = await results.next();
        if (done) throw new Error("the load generator exited");
        return JSON.parse(value) as LoadResult;
      });
      queue = result.then(() => {}, () => {});
      return result;
    },
    async close() {
      await writer.close();
      await process.status;
    },
  };
}
