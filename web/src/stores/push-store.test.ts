import { describe, expect, it, vi } from 'vitest';
import { createApi } from '../api/client';
import { watchReminders } from '../lib/push';
import { fakeFetch, json, makeTask } from '../test-support/fixtures';
import { createPushStore, type PushPlatform } from './push-store';

const SERVER_KEY = 'BP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A8';

/**
 * jsdom has no service workers or Push API: these stand in for the browser's objects with the
 * behaviour the store relies on (test/e2e/push.test.ts runs the real ones in Chromium).
 */
function fakeBrowser(permission: NotificationPermission, answer: NotificationPermission = 'granted') {
  let subscription: PushSubscription | null = null;
  const subscribe = vi.fn(async (options: PushSubscriptionOptionsInit) => {
    const key = options.applicationServerKey as Uint8Array;
    const endpoint = `https://push.example.net/send/${subscribe.mock.calls.length}`;
    subscription = {
      endpoint,
      options: { applicationServerKey: key.slice().buffer, userVisibleOnly: true },
      toJSON: () => ({ endpoint, expirationTime: null, keys: { p256dh: 'BPk', auth: 'au' } }),
      unsubscribe: vi.fn(async () => {
        subscription = null;
        return true;
      }),
    } as unknown as PushSubscription;
    return subscription;
  });
  const registration = {
    pushManager: { getSubscription: async () => subscription, subscribe },
  } as unknown as ServiceWorkerRegistration;
  const register = vi.fn(async () => registration);
  const notification = {
    permission,
    requestPermission: vi.fn(async () => {
      notification.permission = answer;
      return answer;
    }),
  };
  const platform: PushPlatform = {
    secure: true,
    Notification: notification,
    serviceWorker: {
      register,
      ready: Promise.resolve(registration),
      addEventListener: vi.fn(),
      startMessages: vi.fn(),
    } as unknown as ServiceWorkerContainer,
  };
  return { platform, register, subscribe, notification, current: () => subscription };
}

function api() {
  const { fetch, calls } = fakeFetch({
    'GET /api/push/key': () => json({ publicKey: SERVER_KEY }),
    'POST /api/push/subscriptions': () => json({}, 201),
    'DELETE /api/push/subscriptions': () => new Response(null, { status: 204 }),
  });
  return { api: createApi({ fetch }), calls };
}

describe('push store', () => {
  it('registers the service worker at the root on start, and asks nothing', async () => {
    const browser = fakeBrowser('default');
    const { api: a, calls } = api();
    const push = createPushStore({ api: a, platform: browser.platform });
    await push.start();
    expect(browser.register).toHaveBeenCalledWith('/sw.js', { scope: '/' });
    expect(browser.notification.requestPermission).not.toHaveBeenCalled();
    expect(calls).toEqual([]);
    expect(push.status()).toBe('off');
  });

  it('turning it on asks for permission, subscribes with the server key and hands the subscription over', async () => {
    const browser = fakeBrowser('default');
    const { api: a, calls } = api();
    const push = createPushStore({ api: a, platform: browser.platform });
    await push.start();
    expect(await push.enable()).toBe(true);
    expect(browser.notification.requestPermission).toHaveBeenCalledTimes(1);
    const options = browser.subscribe.mock.calls[0]![0];
    expect(options.userVisibleOnly).toBe(true);
    const key = options.applicationServerKey as Uint8Array;
    expect(key.length).toBe(65);
    expect(key[0]).toBe(4);
    const posted = calls.find((c) => c.method === 'POST')!;
    expect(posted.url.pathname).toBe('/api/push/subscriptions');
    expect(posted.body).toEqual(browser.current()!.toJSON());
    expect(push.status()).toBe('on');
  });

  it('a refused permission leaves it blocked, without subscribing', async () => {
    const browser = fakeBrowser('default', 'denied');
    const { api: a, calls } = api();
    const push = createPushStore({ api: a, platform: browser.platform });
    await push.start();
    expect(await push.enable()).toBe(false);
    expect(browser.subscribe).not.toHaveBeenCalled();
    expect(calls.filter((c) => c.method === 'POST')).toEqual([]);
    expect(push.status()).toBe('blocked');
  });

  it('turning it off unsubscribes here and on the server', async () => {
    const browser = fakeBrowser('default');
    const { api: a, calls } = api();
    const push = createPushStore({ api: a, platform: browser.platform });
    await push.start();
    await push.enable();
    const endpoint = browser.current()!.endpoint;
    await push.disable();
    const deleted = calls.find((c) => c.method === 'DELETE')!;
    expect(deleted.body).toEqual({ endpoint });
    expect(browser.current()).toBeNull();
    expect(push.status()).toBe('off');
  });

  it('a subscribed browser hands its subscription to the server again on start', async () => {
    const browser = fakeBrowser('default');
    const first = api();
    const before = createPushStore({ api: first.api, platform: browser.platform });
    await before.start();
    await before.enable();
    const again = api();
    const push = createPushStore({ api: again.api, platform: browser.platform });
    await push.start();
    expect(push.status()).toBe('on');
    expect(again.calls.filter((c) => c.method === 'POST').map((c) => c.body)).toEqual([
      browser.current()!.toJSON(),
    ]);
    expect(browser.subscribe).toHaveBeenCalledTimes(1);
  });

  it('without a secure context or the Push API it says so', async () => {
    const { api: a } = api();
    const insecure = createPushStore({
      api: a,
      platform: { ...fakeBrowser('default').platform, secure: false },
    });
    await insecure.start();
    expect(insecure.status()).toBe('insecure');
    const { serviceWorker: _, ...noWorker } = fakeBrowser('default').platform;
    const unsupported = createPushStore({ api: a, platform: noWorker });
    await unsupported.start();
    expect(unsupported.status()).toBe('unsupported');
  });

  it('push is offered once: when undecided and not subscribed, and never again after', async () => {
    const storage = new Map<string, string>();
    const store = {
      getItem: (k: string) => storage.get(k) ?? null,
      setItem: (k: string, v: string) => void storage.set(k, v),
    };
    const browser = fakeBrowser('default');
    const { api: a } = api();
    const push = createPushStore({ api: a, platform: browser.platform, storage: store });
    expect(push.takeOffer()).toBe(false); // not started: status unknown
    await push.start();
    expect(push.takeOffer()).toBe(true);
    expect(push.takeOffer()).toBe(false);
    const later = createPushStore({ api: a, platform: fakeBrowser('default').platform, storage: store });
    await later.start();
    expect(later.takeOffer()).toBe(false);
    const decided = createPushStore({ api: a, platform: fakeBrowser('granted').platform });
    await decided.start();
    expect(decided.takeOffer()).toBe(false);
  });
});

describe('watchReminders', () => {
  it('notices a reminder set through the form, the editor or the chat — and nothing else', async () => {
    const withReminder = makeTask({ reminders: [{ minutesBefore: 15 }] });
    const without = makeTask();
    const { fetch } = fakeFetch({
      'POST /api/tasks': (init) =>
        json(JSON.parse(String(init.body)).reminders ? withReminder : without, 201),
      [`PATCH /api/tasks/${withReminder.id}`]: () => json(withReminder),
      [`PATCH /api/tasks/${without.id}`]: () => json(without),
      'POST /api/chat': () =>
        json({
          conversationId: 'c',
          reply: 'ok',
          operations: [{ intent: 'create', taskId: withReminder.id }],
        }),
      [`GET /api/tasks/${withReminder.id}`]: () => json(withReminder),
    });
    const seen = vi.fn();
    const api = watchReminders(createApi({ fetch }), seen);
    await api.createTask({ title: 'No reminder' });
    await api.updateTask(without.id, { title: 'Renamed' });
    await api.updateTask(withReminder.id, { title: 'Renamed' }); // the reminder was there before
    await api.getTask(withReminder.id); // opening a task is not setting a reminder
    expect(seen).not.toHaveBeenCalled();
    await api.createTask({ title: 'Call mom', reminders: [{ minutesBefore: 15 }] });
    expect(seen).toHaveBeenCalledTimes(1);
    await api.updateTask(withReminder.id, { reminders: [{ minutesBefore: 15 }] });
    expect(seen).toHaveBeenCalledTimes(2);
    await api.chat('call mom sunday 3pm, remind me 15 minutes before');
    await api.getTask(withReminder.id);
    expect(seen).toHaveBeenCalledTimes(3);
  });
});
