export interface SseEvent {
  event?: string;
  id?: string;
  data?: string;
  comment?: string;
}

/** A minimal SSE reader over fetch: collects parsed events as they arrive. */
export async function openStream(url: string, headers: Record<string, string> = {}) {
  const controller = new AbortController();
  const res = await fetch(url, {
    headers: { accept: 'text/event-stream', ...headers },
    signal: controller.signal,
  });
  return readStream(res, () => controller.abort());
}

/**
 * Reads the SSE events of a response already in hand (a function's own app over `app.request()`,
 * or a fetch); `abort` ends it (the reader is cancelled when none is given).
 */
export function readStream(res: Response, abort?: () => void) {
  const events: SseEvent[] = [];
  const waiters: (() => void)[] = [];
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  let ended = false;
  const pump = (async () => {
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        buffer += decoder.decode(value, { stream: true });
        let split = buffer.indexOf('\n\n');
        while (split >= 0) {
          const block = buffer.slice(0, split);
          buffer = buffer.slice(split + 2);
          const ev: SseEvent = {};
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) ev.comment = line.slice(1).trim();
            else {
              const i = line.indexOf(':');
              const field = line.slice(0, i);
              const value = line.slice(i + 1).replace(/^ /, '');
              if (field === 'data') ev.data = ev.data === undefined ? value : `${ev.data}\n${value}`;
              else if (field === 'event' || field === 'id') ev[field] = value;
            }
          }
          events.push(ev);
          for (const w of waiters.splice(0)) w();
          split = buffer.indexOf('\n\n');
        }
      }
    } catch {
      // aborted
    } finally {
      ended = true;
      for (const w of waiters.splice(0)) w();
    }
  })();
  return {
    status: res.status,
    headers: res.headers,
    events,
    /** Waits until `predicate` holds for some event received so far (or times out). */
    async waitFor(predicate: (e: SseEvent) => boolean, timeoutMs = 3000): Promise<SseEvent> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = events.find(predicate);
        if (found) return found;
        if (Date.now() > deadline)
          throw new Error(`no matching event in ${timeoutMs} ms; got ${JSON.stringify(events)}`);
        await new Promise<void>((r) => {
          waiters.push(r);
          setTimeout(r, 50);
        });
      }
    },
    updates(): {
      kind: string;
      type?: string;
      taskId?: string;
      sequence?: number;
      task?: { title: string } | null;
      notification?: unknown;
    }[] {
      return events.filter((e) => e.event === 'update').flatMap((e) => JSON.parse(e.data!).updates);
    },
    /** True once the server ended the stream (or it was closed). */
    get ended() {
      return ended;
    },
    close: async () => {
      if (abort) abort();
      else await reader.cancel();
      await pump;
    },
  };
}
