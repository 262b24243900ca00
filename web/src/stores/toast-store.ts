import { createStore } from 'solid-js/store';

export type ToastTone = 'info' | 'reminder' | 'error';

export interface Toast {
  id: number;
  tone: ToastTone;
  title: string;
  body?: string;
  action?: { label: string; run: () => void };
}

/** Short-lived messages in a corner; reminders stay longer than the rest. */
export function createToastStore(options: { durationMs?: number } = {}) {
  const [items, setItems] = createStore<Toast[]>([]);
  const duration = options.durationMs ?? 6000;
  let nextId = 1;

  function dismiss(id: number): void {
    setItems((list) => list.filter((t) => t.id !== id));
  }

  /** `durationMs` overrides how long it stays (a question deserves longer than a confirmation). */
  function push({ durationMs, ...toast }: Omit<Toast, 'id'> & { durationMs?: number }): number {
    const id = nextId++;
    setItems((list) => [...list.slice(-3), { ...toast, id }]);
    setTimeout(() => dismiss(id), durationMs ?? (toast.tone === 'reminder' ? duration * 2 : duration));
    return id;
  }

  return { items, push, dismiss };
}

export type ToastStore = ReturnType<typeof createToastStore>;
