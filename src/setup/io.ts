/**
 * The console of the setup and doctor commands, as one value so that tests can run the commands in-process:
 * standard output for the result (JSON with `--json`), standard error for progress and questions,
 * standard input for `--interactive` answers, and the process environment.
 */

/** Where a command reads and writes. */
export interface CommandIo {
  /** Writes one line to standard output. */
  out(line: string): void;
  /** Writes one line to standard error. */
  err(line: string): void;
  /** Asks a yes/no question on standard error and reads the answer from standard input (default no). */
  confirm(question: string): Promise<boolean>;
  /** The process environment; its values win over `.env`'s, as for the server. */
  env: Record<string, string>;
}

/** The real console. */
export function processIo(): CommandIo {
  // Standard input is only opened when a question is asked.
  const readLine = lineReader(() => Deno.stdin.readable);
  return {
    out: (line) => console.log(line),
    err: (line) => console.error(line),
    confirm: async (question) => {
      await Deno.stderr.write(new TextEncoder().encode(`${question} [y/N] `));
      return isYes(await readLine());
    },
    env: Deno.env.toObject(),
  };
}

/** Whether an answer means yes (`y` or `yes`, any case); anything else, and end of input, is no. */
export function isYes(answer: string | null): boolean {
  return answer !== null && /^\s*y(es)?\s*$/i.test(answer);
}

/** Reads the stream `open` returns line by line, opening it on first use; resolves `null` at end of input. */
export function lineReader(open: () => ReadableStream<Uint8Array>): () => Promise<string | null> {
  let reader: ReadableStreamDefaultReader<string> | undefined;
  let buffer = "";
  let done = false;
  return async () => {
    reader ??= open().pipeThrough(new TextDecoderStream()).getReader();
    for (;;) {
      const newline = buffer.indexOf("\n");
      if (newline >= 0) {
        const line = buffer.slice(0, newline).replace(/\r$/, "");
        buffer = buffer.slice(newline + 1);
        return line;
      }
      if (done) {
        if (buffer === "") return null;
        const rest = buffer;
        buffer = "";
        return rest;
      }
      const chunk = await reader.read();
      if (chunk.done) done = true;
      else buffer += chunk.value;
    }
  };
}
