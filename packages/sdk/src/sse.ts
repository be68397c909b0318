/** A message of a `text/event-stream`, per the WHATWG server-sent events parsing rules. */
export interface SseMessage {
  /** The `id:` field of this message, if it had one. */
  id: string | undefined;
  event: string;
  data: string;
  retry: number | undefined;
}

/** Splits a byte stream into SSE messages. Comment lines (`: keep-alive`) are skipped. */
export async function* parseSse(stream: AsyncIterable<Uint8Array>): AsyncGenerator<SseMessage> {
  const decoder = new TextDecoder();
  let buffer = '';
  let id: string | undefined;
  let event = '';
  let data: string[] = [];
  let retry: number | undefined;

  const dispatch = (): SseMessage | null => {
    const message = data.length > 0 ? { id, event: event || 'message', data: data.join('\n'), retry } : null;
    id = undefined;
    event = '';
    data = [];
    retry = undefined;
    return message;
  };

  const feed = function* (line: string): Generator<SseMessage> {
    if (line === '') {
      const message = dispatch();
      if (message) yield message;
      return;
    }
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') data.push(value);
    else if (field === 'event') event = value;
    else if (field === 'id' && !value.includes('\0')) id = value;
    else if (field === 'retry' && /^\d+$/.test(value)) retry = Number(value);
  };

  for await (const chunk of stream) {
    buffer += decoder.decode(chunk, { stream: true });
    for (;;) {
      const match = /\r\n|\r|\n/.exec(buffer);
      // A lone \r at the very end may be the first half of \r\n: wait for more.
      if (!match || (match[0] === '\r' && match.index === buffer.length - 1)) break;
      const line = buffer.slice(0, match.index);
      buffer = buffer.slice(match.index + match[0].length);
      yield* feed(line);
    }
  }
  // An unterminated last message is dropped, as the spec says.
}
