import { Show } from 'solid-js';
import { BellIcon, GearIcon, PauseIcon, PlayIcon, TrashIcon } from '../../components/icons';
import type { ConnectionState } from '../../stores/live-stream';

const STATE_LABEL: Record<ConnectionState, string> = {
  connecting: 'Connecting…',
  live: 'Live',
  reconnecting: 'Reconnecting…',
  paused: 'Paused',
};

export interface HeaderBarProps {
  connection: ConnectionState;
  unread: number;
  onTogglePause: () => void;
  onNotifications: () => void;
  onTrash: () => void;
  onSettings: () => void;
  /** Opens the list of keyboard shortcuts (also `?`). */
  onShortcuts?: () => void;
}

export function HeaderBar(props: HeaderBarProps) {
  const paused = () => props.connection === 'paused';
  return (
    <header class="header">
      <div class="brand">
        <svg class="brand-mark" viewBox="0 0 32 32" aria-hidden="true">
          <rect width="32" height="32" rx="8" />
          <path d="M9 16.5l4.5 4.5L23 11.5" />
        </svg>
        <h1>Taskwire</h1>
      </div>
      <div class="header-actions">
        <div class={`connection connection-${props.connection}`}>
          <span class="connection-dot" aria-hidden="true" />
          <span role="status" class="connection-label">
            <span class="visually-hidden">Live updates: </span>
            {STATE_LABEL[props.connection]}
          </span>
          <button
            type="button"
            class="icon-button small"
            aria-label={paused() ? 'Resume live updates' : 'Pause live updates'}
            title={paused() ? 'Resume live updates' : 'Pause live updates'}
            onClick={() => props.onTogglePause()}
          >
            {paused() ? <PlayIcon /> : <PauseIcon />}
          </button>
        </div>
        <button
          type="button"
          class="icon-button bell"
          aria-label={props.unread > 0 ? `Notifications, ${props.unread} unread` : 'Notifications'}
          onClick={() => props.onNotifications()}
        >
          <BellIcon />
          <Show when={props.unread > 0}>
            <span class="bell-count" aria-hidden="true">
              {props.unread > 99 ? '99+' : props.unread}
            </span>
          </Show>
        </button>
        <button
          type="button"
          class="icon-button"
          aria-label="Trash"
          title="Trash"
          onClick={() => props.onTrash()}
        >
          <TrashIcon />
        </button>
        <button
          type="button"
          class="icon-button"
          aria-label="Settings"
          title="Settings"
          onClick={() => props.onSettings()}
        >
          <GearIcon />
        </button>
        <Show when={props.onShortcuts}>
          <button
            type="button"
            class="icon-button shortcuts-button"
            aria-label="Keyboard shortcuts"
            title="Keyboard shortcuts (?)"
            aria-keyshortcuts="?"
            onClick={() => props.onShortcuts?.()}
          >
            ?
          </button>
        </Show>
      </div>
    </header>
  );
}
