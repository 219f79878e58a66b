/**
 * An in-process MCP transport that stays connected to one pooled `McpServer` for its whole life. The HTTP
 * layer hands it the JSON-RPC messages of one POST and gets the responses back; this replaces the SDK's
 * stateless Streamable HTTP transport, which must be created, connected and closed for every request (the
 * benchmark showed that as the largest cost of a warm request).
 */
import type { JSONRPCMessage, MessageExtraInfo, RequestId, Transport } from "./sdk.ts";

/** Connects a server to the HTTP layer, one exchange (one HTTP request's messages) at a time. */
export class JsonResponseTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: <T extends JSONRPCMessage>(message: T, extra?: MessageExtraInfo) => void;
  readonly #pending = new Map<RequestId, (response: JSONRPCMessage) => void>();

  start(): Promise<void> {
    return Promise.resolve();
  }

  /** Receives the server's responses; notifications and server-to-client requests have no stream to go to. */
  send(message: JSONRPCMessage): Promise<void> {
    if ("id" in message && message.id !== undefined && !("method" in message)) {
      const resolve = this.#pending.get(message.id);
      this.#pending.delete(message.id);
      resolve?.(message);
    }
    return Promise.resolve();
  }

  close(): Promise<void> {
    this.#pending.clear();
    this.onclose?.();
    return Promise.resolve();
  }

  /**
   * Delivers `messages` to the server and resolves with the responses to its requests, in request order
   * (empty when there were only notifications or responses).
   */
  exchange(messages: JSONRPCMessage[], extra: MessageExtraInfo): Promise<JSONRPCMessage[]> {
    const responses: Promise<JSONRPCMessage>[] = [];
    for (const message of messages) {
      if ("method" in message && "id" in message) {
        responses.push(new Promise((resolve) => this.#pending.set(message.id, resolve)));
      }
    }
    for (const message of messages) this.onmessage?.(message, extra);
    return Promise.all(responses);
  }
}
