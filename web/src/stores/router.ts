import { createSignal, onCleanup } from 'solid-js';

export type Route =
  | { name: 'home' }
  | { name: 'new-task' }
  | { name: 'task'; id: string }
  | { name: 'trash' }
  | { name: 'settings' };

export function parseRoute(path: string): Route {
  if (path === '/new') return { name: 'new-task' };
  if (path === '/trash') return { name: 'trash' };
  if (path === '/settings') return { name: 'settings' };
  const task = /^\/tasks\/([^/]+)$/.exec(path);
  if (task) return { name: 'task', id: decodeURIComponent(task[1]!) };
  return { name: 'home' };
}

function depthOf(state: unknown): number {
  const depth = (state as { depth?: unknown } | null)?.depth;
  return typeof depth === 'number' ? depth : 0;
}

/** Dialogs have their own paths (/new, /tasks/:id, /trash, /settings) so Back closes them. */
export function createRouter(win: Window = window) {
  const [path, setPath] = createSignal(win.location.pathname);
  const onPop = () => setPath(win.location.pathname);
  win.addEventListener('popstate', onPop);
  onCleanup(() => win.removeEventListener('popstate', onPop));
  return {
    route: () => parseRoute(path()),
    navigate(to: string, options: { replace?: boolean } = {}): void {
      if (to === win.location.pathname) return;
      const depth = depthOf(win.history.state);
      if (options.replace) win.history.replaceState({ depth }, '', to);
      else win.history.pushState({ depth: depth + 1 }, '', to);
      setPath(to);
    },
    /** Closes a dialog: goes back when the app opened it, else replaces the entry with home. */
    close(): void {
      if (depthOf(win.history.state) > 0) win.history.back();
      else {
        win.history.replaceState({ depth: 0 }, '', '/');
        setPath('/');
      }
    },
  };
}

export type Router = ReturnType<typeof createRouter>;
