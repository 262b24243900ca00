import { onCleanup } from 'solid-js';
import './shortcuts.css';

export type ShortcutKey = 'q' | '/' | 'j' | 'k' | 'x' | 'e' | '?';

/** Every shortcut, in the order the help dialog lists them. */
export const SHORTCUTS: { key: ShortcutKey; does: string }[] = [
  { key: 'q', does: 'Quick add a task' },
  { key: '/', does: 'Search tasks' },
  { key: 'j', does: 'Select the next task' },
  { key: 'k', does: 'Select the previous task' },
  { key: 'x', does: 'Complete the selected task (or reopen it)' },
  { key: 'e', does: 'Edit the selected task' },
  { key: '?', does: 'Show these shortcuts' },
];

const NOT_TYPED = new Set([
  'checkbox',
  'radio',
  'button',
  'submit',
  'reset',
  'range',
  'color',
  'file',
  'image',
]);

/** A key pressed here is text being typed (a text field, a list box, editable content), not a command. */
export function isTyping(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  if (!el?.tagName) return false;
  if (el.isContentEditable) return true;
  if (el.tagName === 'TEXTAREA' || el.tagName === 'SELECT') return true;
  return el.tagName === 'INPUT' && !NOT_TYPED.has((el as HTMLInputElement).type);
}

/**
 * Runs the handler of a shortcut key pressed anywhere in the page — except while typing, with a
 * modifier held (browser and screen-reader commands stay theirs), or behind an open dialog.
 */
export function useShortcuts(handlers: Partial<Record<ShortcutKey, () => void>>, win: Window = window): void {
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey || event.isComposing) return;
    if (isTyping(event.target)) return;
    if (win.document.querySelector('[aria-modal="true"]')) return;
    const run = handlers[event.key as ShortcutKey];
    if (!run) return;
    event.preventDefault();
    run();
  };
  win.addEventListener('keydown', onKeyDown);
  onCleanup(() => win.removeEventListener('keydown', onKeyDown));
}

/** Focuses the control marked `data-shortcut="<name>"` (the quick-add box, the search field). */
export function focusShortcutTarget(name: string, doc: Document = document): void {
  const el = doc.querySelector<HTMLElement>(`[data-shortcut="${name}"]`);
  el?.focus();
  el?.scrollIntoView?.({ block: 'nearest' });
}

/** The task `delta` places after (or before) `current` in the list as shown; the first or last when none is. */
export function moveSelection<T extends { id: string }>(
  shown: T[],
  current: string | null,
  delta: 1 | -1,
): string | null {
  if (shown.length === 0) return null;
  const at = current === null ? -1 : shown.findIndex((t) => t.id === current);
  if (at === -1) return (delta > 0 ? shown[0] : shown[shown.length - 1])!.id;
  return shown[Math.max(0, Math.min(shown.length - 1, at + delta))]!.id;
}
