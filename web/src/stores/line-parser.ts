import { createSignal, onCleanup } from 'solid-js';
import type { Api } from '../api/client';
import type { ParsedLine, ParseMode } from '../api/parse-types';

export interface Parsed {
  /** The text this reading is of. */
  text: string;
  line: ParsedLine;
}

export interface LineParserOptions {
  api: Pick<Api, 'parse'>;
  mode: ParseMode;
  timeZone: () => string;
  /** Quiet time after the last keystroke before asking (ms). */
  delay?: number;
}

/**
 * What the server's parser understands in a line being typed: asked once typing pauses, the
 * request in flight aborted when the line changes, and a reading shown only while it is of the
 * line as it stands. A parser that cannot be reached shows nothing (chips are a preview).
 */
export function createLineParser(options: LineParserOptions) {
  const delay = options.delay ?? 150;
  const [parsed, setParsed] = createSignal<Parsed | null>(null);
  const [text, setText] = createSignal('');
  let timer: ReturnType<typeof setTimeout> | undefined;
  let inFlight: { text: string; controller: AbortController; done: Promise<Parsed | null> } | undefined;

  function ask(line: string): Promise<Parsed | null> {
    if (inFlight?.text === line) return inFlight.done;
    inFlight?.controller.abort();
    const controller = new AbortController();
    const done = options.api
      .parse({ text: line, mode: options.mode, timezone: options.timeZone() }, controller.signal)
      .then((result) => {
        const reading = { text: line, line: result };
        if (line === text()) setParsed(reading);
        return reading;
      })
      .catch(() => null)
      .finally(() => {
        if (inFlight?.controller === controller) inFlight = undefined;
      });
    inFlight = { text: line, controller, done };
    return done;
  }

  function cancel(): void {
    clearTimeout(timer);
    inFlight?.controller.abort();
    inFlight = undefined;
  }

  onCleanup(cancel);

  return {
    /** The reading of the current line, or null while there is none. */
    parsed: (): Parsed | null => {
      const p = parsed();
      return p && p.text === text() ? p : null;
    },
    /** The line changed: ask again once typing pauses. */
    update(line: string): void {
      setText(line);
      clearTimeout(timer);
      if (!line.trim()) {
        cancel();
        setParsed(null);
        return;
      }
      if (parsed()?.text !== line) timer = setTimeout(() => void ask(line), delay);
    },
    /** The line changed to one whose reading is already known (a chip was removed). */
    set(line: string, reading: ParsedLine): void {
      cancel();
      setText(line);
      setParsed({ text: line, line: reading });
    },
    /** The reading of the current line, asking now if need be (before sending it). */
    async flush(): Promise<Parsed | null> {
      clearTimeout(timer);
      const line = text();
      if (!line.trim()) return null;
      const known = parsed();
      if (known?.text === line) return known;
      return ask(line);
    },
    clear(): void {
      cancel();
      setText('');
      setParsed(null);
    },
  };
}

export type LineParser = ReturnType<typeof createLineParser>;
