import { createEffect, createSignal, Match, onCleanup, onMount, Show, Switch } from 'solid-js';
import { createApi, createTokenStore } from './api/client';
import type { AppNotification, TaskUpdate, Update } from './api/types';
import { ChatPanel } from './features/chat/chat-panel';
import { NotificationsDialog } from './features/notifications/notifications-dialog';
import { Toasts } from './features/notifications/toasts';
import { SettingsDialog } from './features/settings/settings-dialog';
import { HeaderBar } from './features/shell/header-bar';
import { TokenDialog } from './features/shell/token-dialog';
import { NewTaskDialog } from './features/task-form/new-task-dialog';
import { TaskDetailDialog } from './features/task-form/task-detail-dialog';
import { TasksPanel } from './features/tasks/tasks-panel';
import { TrashDialog } from './features/trash/trash-dialog';
import { browserTimeZone } from './lib/time';
import { createChatStore } from './stores/chat-store';
import { createClock } from './stores/clock';
import { createLiveStream, type LiveStreamOptions } from './stores/live-stream';
import { createNotificationStore } from './stores/notification-store';
import { createRouter } from './stores/router';
import { createSettingsStore } from './stores/settings-store';
import { createTaskStore } from './stores/task-store';
import { createToastStore } from './stores/toast-store';
import { createTrashStore } from './stores/trash-store';

export interface AppProps {
  /** Swapped in tests; the real app uses the browser's. */
  fetch?: typeof fetch;
  EventSource?: LiveStreamOptions['EventSource'];
  storage?: Storage;
}

function safeStorage(): Storage | undefined {
  try {
    return window.localStorage;
  } catch {
    return undefined;
  }
}

/** The root container: builds the stores, wires the live stream to them, and routes the dialogs. */
export function App(props: AppProps) {
  const storage = props.storage ?? safeStorage();
  const tokens = createTokenStore(storage);
  const [needsToken, setNeedsToken] = createSignal(false);
  const [hasToken, setHasToken] = createSignal(!!tokens.get());
  const api = createApi({
    token: tokens,
    onUnauthorized: () => setNeedsToken(true),
    ...(props.fetch ? { fetch: props.fetch } : {}),
  });
  const zone = browserTimeZone();
  const [zones, setZones] = createSignal<string[]>([]);
  api
    .timeZones()
    .then((list) => setZones(list.zones))
    .catch(() => undefined); // the forms still take a typed zone; the server checks it

  const now = createClock();
  const router = createRouter();
  const toasts = createToastStore();
  const settings = createSettingsStore({ api, browserZone: zone });
  const tasks = createTaskStore({ api, now, timeZone: settings.timeZone });
  const trash = createTrashStore({ api });
  const notifications = createNotificationStore({ api });
  const [bellOpen, setBellOpen] = createSignal(false);

  const showError = (message: string) => toasts.push({ tone: 'error', title: message });
  const openTask = (id: string) => router.navigate(`/tasks/${encodeURIComponent(id)}`);

  const chat = createChatStore({
    api,
    storage,
    onReply: (reply) => {
      for (const task of reply.tasks ?? []) tasks.receive(task);
      const ids = new Set(reply.operations.map((op) => op.taskId).filter((id): id is string => !!id));
      for (const id of ids) tasks.refresh(id).catch(() => undefined);
    },
  });

  function notify(notification: AppNotification): void {
    const fresh = notifications.receive(notification);
    if (!fresh || notification.readAt || notification.kind === 'digest') return;
    const taskId = notification.taskIds[0];
    toasts.push({
      tone: notification.kind === 'reminder' ? 'reminder' : 'error',
      title: notification.title,
      body: notification.body,
      ...(taskId ? { action: { label: 'Open', run: () => openTask(taskId) } } : {}),
    });
  }

  function onUpdates(updates: Update[]): void {
    const taskUpdates = updates.filter((u): u is TaskUpdate => u.kind === 'task');
    if (taskUpdates.length) {
      tasks.applyUpdates(taskUpdates);
      trash.applyUpdates(taskUpdates);
    }
    for (const u of updates) if (u.kind === 'notification') notify(u.notification);
  }

  function resync(): void {
    void tasks.load();
    void notifications.load();
    if (router.route().name === 'trash') void trash.load();
  }

  const stream = createLiveStream({
    url: api.streamUrl,
    onUpdates,
    onResync: resync,
    ...(props.EventSource ? { EventSource: props.EventSource } : {}),
  });

  onMount(() => {
    void settings.load();
    void tasks.load();
    void notifications.load();
    void chat.loadHistory();
    stream.start();
  });
  onCleanup(() => stream.stop());

  // For the page-weight benchmark: when the first listing is on screen and can be ticked.
  let marked = false;
  createEffect(() => {
    if (marked || !tasks.status.loaded) return;
    marked = true;
    performance.mark?.('taskwire:tasks-interactive');
  });

  function saveToken(token: string): void {
    tokens.set(token);
    setHasToken(true);
    setNeedsToken(false);
    void settings.load();
    resync();
    void chat.loadHistory();
    stream.restart();
  }

  const route = () => router.route();
  const taskId = () => {
    const r = route();
    return r.name === 'task' ? r.id : null;
  };

  return (
    <div class="app">
      <a class="skip-link" href="#tasks-heading">
        Skip to tasks
      </a>
      <HeaderBar
        connection={stream.state()}
        unread={notifications.state.unread}
        onTogglePause={() => (stream.state() === 'paused' ? stream.resume() : stream.pause())}
        onNotifications={() => setBellOpen(true)}
        onTrash={() => router.navigate('/trash')}
        onSettings={() => router.navigate('/settings')}
      />
      <main class="layout">
        <ChatPanel chat={chat} now={now} timeZone={settings.timeZone} />
        <TasksPanel
          tasks={tasks}
          now={now}
          timeZone={settings.timeZone}
          onOpen={(task) => openTask(task.id)}
          onNewTask={() => router.navigate('/new')}
          onError={showError}
        />
      </main>

      <Switch>
        <Match when={route().name === 'new-task'}>
          <NewTaskDialog
            api={api}
            timeZone={settings.timeZone()}
            zones={zones()}
            onCreated={(task) => {
              tasks.receive(task);
              router.close();
              toasts.push({ tone: 'info', title: `Added “${task.title}”` });
            }}
            onClose={router.close}
          />
        </Match>
        <Match when={taskId()} keyed>
          {(id) => (
            <TaskDetailDialog
              id={id}
              api={api}
              tasks={tasks}
              now={now()}
              timeZone={settings.timeZone()}
              zones={zones()}
              onClose={router.close}
              onError={showError}
              onDeleted={(task) => {
                router.close();
                toasts.push({
                  tone: 'info',
                  title: `Moved “${task.title}” to the trash`,
                  action: {
                    label: 'Undo',
                    run: () => {
                      api
                        .restoreTask(task.id)
                        .then(tasks.receive)
                        .catch((err: Error) => showError(err.message));
                    },
                  },
                });
              }}
            />
          )}
        </Match>
        <Match when={route().name === 'trash'}>
          <TrashDialog
            trash={trash}
            now={now()}
            timeZone={settings.timeZone()}
            onClose={router.close}
            onError={showError}
            onRestored={(title) => {
              void tasks.load();
              toasts.push({ tone: 'info', title: `Restored “${title}”` });
            }}
          />
        </Match>
        <Match when={route().name === 'settings'}>
          <SettingsDialog
            settings={settings.state.settings}
            browserZone={zone}
            zones={zones()}
            hasToken={hasToken()}
            onSave={settings.save}
            onForgetToken={() => {
              tokens.set(null);
              setHasToken(false);
            }}
            onClose={router.close}
          />
        </Match>
      </Switch>

      <Show when={bellOpen()}>
        <NotificationsDialog
          items={notifications.state.items}
          unread={notifications.state.unread}
          available={notifications.state.available}
          now={now()}
          timeZone={settings.timeZone()}
          onReadAll={() => notifications.markAllRead().catch((err: Error) => showError(err.message))}
          onOpen={(n) => {
            notifications.markRead(n.id).catch(() => undefined);
            setBellOpen(false);
            if (n.taskIds[0]) openTask(n.taskIds[0]);
          }}
          onClose={() => setBellOpen(false)}
        />
      </Show>

      <Show when={needsToken()}>
        <TokenDialog onSave={saveToken} onClose={() => setNeedsToken(false)} />
      </Show>

      <Toasts items={toasts.items} onDismiss={toasts.dismiss} />
    </div>
  );
}
