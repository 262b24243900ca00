import { createSignal } from 'solid-js';
import type { Api } from '../api/client';
import type { PushSubscriptionJson } from '../api/types';
import { base64UrlToBytes, madeWithKey } from '../lib/push';

/**
 * - `checking`: not known yet; `unsupported`: no service worker / Push API here; `insecure`: the page
 *   is not a secure context (push needs HTTPS, or localhost);
 * - `blocked`: the person (or the browser) denied notifications for this site;
 * - `off` / `on`: whether this browser is subscribed.
 */
export type PushStatus = 'checking' | 'unsupported' | 'insecure' | 'blocked' | 'off' | 'on';

/** The browser APIs push needs; tests hand in stand-ins. */
export interface PushPlatform {
  serviceWorker?: ServiceWorkerContainer;
  Notification?: Pick<typeof Notification, 'permission' | 'requestPermission'>;
  secure: boolean;
}

export function browserPlatform(): PushPlatform {
  const hasPush = typeof window !== 'undefined' && 'PushManager' in window;
  return {
    ...(hasPush && 'serviceWorker' in navigator ? { serviceWorker: navigator.serviceWorker } : {}),
    ...(typeof Notification !== 'undefined' ? { Notification } : {}),
    secure: typeof window !== 'undefined' && window.isSecureContext,
  };
}

const OFFERED_KEY = 'taskwire.push.offered';

export interface PushStoreOptions {
  api: Pick<Api, 'pushKey' | 'subscribePush' | 'unsubscribePush'>;
  storage?: Pick<Storage, 'getItem' | 'setItem'>;
  platform?: PushPlatform;
  /** A notification was clicked while this tab is open: show this path of the app. */
  onOpen?: (path: string) => void;
}

/** This browser's push subscription: the service worker, the permission, the server's copy. */
export function createPushStore(opts: PushStoreOptions) {
  const platform = opts.platform ?? browserPlatform();
  const [status, setStatus] = createSignal<PushStatus>('checking');
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);
  let registration: Promise<ServiceWorkerRegistration> | undefined;
  let offered = false;

  const sw = platform.serviceWorker;
  const permission = () => platform.Notification?.permission ?? 'denied';
  const idle = (): PushStatus => (permission() === 'denied' ? 'blocked' : 'off');

  async function subscribeWith(reg: ServiceWorkerRegistration): Promise<void> {
    const { publicKey } = await opts.api.pushKey();
    let sub = await reg.pushManager.getSubscription();
    if (sub && !madeWithKey(sub.options.applicationServerKey, publicKey)) {
      // The server's key changed (a new installation): the old subscription cannot work.
      await sub.unsubscribe();
      sub = null;
    }
    sub ??= await reg.pushManager.subscribe({
      userVisibleOnly: true,
      applicationServerKey: base64UrlToBytes(publicKey),
    });
    await opts.api.subscribePush(sub.toJSON() as PushSubscriptionJson);
  }

  return {
    status,
    busy,
    error,
    /**
     * Registers the service worker (it also makes the app installable) and, if this browser is
     * subscribed, hands the subscription to the server again (it may have lost or dropped it).
     * Never asks for permission.
     */
    async start(): Promise<void> {
      if (!platform.secure) return void setStatus('insecure');
      if (!sw || !platform.Notification) return void setStatus('unsupported');
      sw.addEventListener('message', (event: MessageEvent) => {
        const data = event.data as { type?: string; url?: string } | null;
        if (data?.type !== 'taskwire:open' || typeof data.url !== 'string') return;
        const url = new URL(data.url, location.origin);
        if (url.origin === location.origin) opts.onOpen?.(url.pathname + url.search);
      });
      sw.startMessages();
      registration = sw.register('/sw.js', { scope: '/' }).then(() => sw.ready);
      try {
        const reg = await registration;
        if (permission() === 'granted' && (await reg.pushManager.getSubscription())) {
          await subscribeWith(reg);
          setStatus('on');
        } else setStatus(idle());
      } catch (err) {
        setError((err as Error).message);
        setStatus(idle());
      }
    },
    /** Asks for permission (call from a click: browsers require one) and subscribes. */
    async enable(): Promise<boolean> {
      if (!registration || !platform.Notification) return false;
      // First, while the click still counts as a user gesture.
      const asked = platform.Notification.requestPermission();
      setBusy(true);
      setError(null);
      try {
        if ((await asked) !== 'granted') {
          setStatus(idle());
          return false;
        }
        await subscribeWith(await registration);
        setStatus('on');
        return true;
      } catch (err) {
        setError(`Could not turn on notifications: ${(err as Error).message}`);
        setStatus(idle());
        return false;
      } finally {
        setBusy(false);
      }
    },
    /** Unsubscribes this browser, here and on the server. */
    async disable(): Promise<void> {
      if (!registration) return;
      setBusy(true);
      setError(null);
      try {
        const sub = await (await registration).pushManager.getSubscription();
        if (sub) {
          await opts.api.unsubscribePush(sub.endpoint);
          await sub.unsubscribe();
        }
        setStatus(idle());
      } catch (err) {
        setError(`Could not turn off notifications: ${(err as Error).message}`);
      } finally {
        setBusy(false);
      }
    },
    /**
     * Whether to offer push now (the first time a reminder is set): push works here, this browser
     * is not subscribed, nobody has said yes or no, and it was not offered before.
     */
    takeOffer(): boolean {
      if (offered || status() !== 'off' || permission() !== 'default') return false;
      offered = true;
      try {
        if (opts.storage?.getItem(OFFERED_KEY)) return false;
        opts.storage?.setItem(OFFERED_KEY, new Date().toISOString());
      } catch {
        // storage unavailable: offered once for this page load
      }
      return true;
    },
  };
}

export type PushStore = ReturnType<typeof createPushStore>;
