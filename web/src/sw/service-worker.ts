/**
 * Taskwire's service worker: shows reminders pushed while no tab is open, and opens the app on the
 * task when one is clicked. Built on its own (classic script, no imports) to /sw.js, at the root so
 * its scope is the whole app. It caches nothing: the app is small and served fresh.
 */
// A module for the type checker only (the build wraps it as a classic script).
export {};

declare const self: ServiceWorkerGlobalScope;

/** What the server pushes (core/push/payload.ts). */
interface PushMessage {
  title?: string;
  body?: string;
  url?: string;
  tag?: string;
  at?: string;
}

self.addEventListener('install', () => {
  void self.skipWaiting();
});

self.addEventListener('activate', (event) => {
  event.waitUntil(self.clients.claim());
});

/** A path of this app, never another origin: the payload decides where a click goes. */
function appUrl(path: unknown): string {
  const url = new URL(typeof path === 'string' ? path : '/', self.location.origin);
  return url.origin === self.location.origin ? url.href : self.location.origin;
}

self.addEventListener('push', (event) => {
  let message: PushMessage = {};
  try {
    message = event.data?.json() ?? {};
  } catch {
    message = { body: event.data?.text() };
  }
  const at = message.at ? Date.parse(message.at) : Number.NaN;
  // Every push must show a notification (userVisibleOnly), even one we cannot read.
  event.waitUntil(
    self.registration.showNotification(message.title || 'Taskwire', {
      body: message.body ?? 'A reminder is due.',
      icon: '/icon-192.png',
      badge: '/badge-96.png',
      data: { url: appUrl(message.url) },
      ...(message.tag ? { tag: message.tag } : {}),
      ...(Number.isNaN(at) ? {} : { timestamp: at }),
    } as NotificationOptions),
  );
});

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const url = appUrl((event.notification.data as { url?: string } | null)?.url);
  event.waitUntil(
    (async () => {
      const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
      const open = windows.find((w) => new URL(w.url).origin === self.location.origin);
      if (open) {
        // An open tab shows the task without reloading (the app listens for this).
        open.postMessage({ type: 'taskwire:open', url });
        await open.focus();
      } else {
        await self.clients.openWindow(url);
      }
    })(),
  );
});

self.addEventListener('pushsubscriptionchange', (event) => {
  // The push service replaced the subscription: hand the new one to the server (an open app also
  // re-sends it on its next start, which covers servers that need an access token).
  const change = event as Event & {
    newSubscription?: PushSubscription | null;
    waitUntil(p: Promise<unknown>): void;
  };
  const sub = change.newSubscription;
  if (!sub) return;
  change.waitUntil(
    fetch('/api/push/subscriptions', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(sub.toJSON()),
    }).catch(() => undefined),
  );
});
