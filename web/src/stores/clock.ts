import { type Accessor, createSignal, onCleanup } from 'solid-js';

/** "Now", refreshed every `everyMs` so relative labels ("in 5 min") stay true. */
export function createClock(everyMs = 30_000): Accessor<Date> {
  const [now, setNow] = createSignal(new Date());
  const timer = setInterval(() => setNow(new Date()), everyMs);
  onCleanup(() => clearInterval(timer));
  return now;
}
