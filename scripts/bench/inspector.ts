/**
 * A minimal Chrome DevTools Protocol client for a child started with `--inspect=127.0.0.1:<port>`: the
 * memory phase forces a full garbage collection before each reading so RSS and heap figures compare live
 * data, not whatever garbage the last load left behind.
 */

/** A connection to a process's V8 inspector. */
export interface Inspector {
  /** Runs a full (major) garbage collection. */
  collectGarbage(): Promise<void>;
  /** Bytes of the JavaScript heap in use. */
  heapUsed(): Promise<number>;
  close(): void;
}

/** Connects to the inspector listening on 127.0.0.1:`port`. */
export async function connectInspector(port: number): Promise<Inspector> {
  const targets = await (await fetch(`http://127.0.0.1:${port}/json/list`)).json();
  const socket = new WebSocket(targets[0].webSocketDebuggerUrl);
  await new Promise((resolve, reject) => {
    socket.onopen = resolve;
    socket.onerror = () => reject(new Error(`cannot connect to the inspector on port ${port}`));
  });
  const pending = new Map<number, (message: { result?: Record<string, unknown>; error?: unknown }) => void>();
  let nextId = 0;
  socket.onmessage = (event) => {
    const message = JSON.parse(event.data);
    pending.get(message.id)?.(message);
    pending.delete(message.id);
  };
  const call = (method: string) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const id = ++nextId;
      pending.set(id, (message) =>
        message.error ? reject(new Error(JSON.stringify(message.error))) : resolve(message.result ?? {}));
      socket.send(JSON.stringify({ id, method, params: {} }));
    });
  return {
    collectGarbage: async () => {
      await call("HeapProfiler.collectGarbage");
    },
    heapUsed: async () => Number((await call("Runtime.getHeapUsage")).usedSize),
    close: () => socket.close(),
  };
}
