import { createUniqueId, type JSX, onCleanup, onMount, Show } from 'solid-js';
import { Portal } from 'solid-js/web';
import { CloseIcon } from './icons';

const FOCUSABLE =
  'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"]), summary';

export interface DialogProps {
  title: string;
  onClose: () => void;
  children: JSX.Element;
  /** Extra line under the title. */
  subtitle?: JSX.Element;
  size?: 'small' | 'medium' | 'large';
  /** Rendered as a panel anchored at the top right (the bell's popover) instead of centred. */
  placement?: 'center' | 'corner';
}

/** A modal dialog: focus moves in and is kept inside, Escape and the backdrop close it, focus returns. */
export function Dialog(props: DialogProps) {
  const titleId = createUniqueId();
  const opener = document.activeElement as HTMLElement | null;
  let panel!: HTMLDivElement;

  onMount(() => {
    const first =
      panel.querySelector<HTMLElement>('[data-autofocus]') ??
      panel.querySelector('.dialog-body')?.querySelector<HTMLElement>(FOCUSABLE);
    (first ?? panel).focus();
  });
  onCleanup(() => {
    if (opener?.isConnected) opener.focus();
  });

  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Escape') {
      event.stopPropagation();
      props.onClose();
      return;
    }
    if (event.key !== 'Tab') return;
    const items = [...panel.querySelectorAll<HTMLElement>(FOCUSABLE)].filter((el) => !el.closest('[hidden]'));
    if (items.length === 0) return;
    const first = items[0]!;
    const last = items[items.length - 1]!;
    if (event.shiftKey && document.activeElement === first) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && document.activeElement === last) {
      event.preventDefault();
      first.focus();
    }
  };

  return (
    <Portal>
      {/* biome-ignore lint/a11y/noStaticElementInteractions: a click beside the dialog is a mouse shortcut; keyboards have Escape and the Close button */}
      <div
        class="backdrop"
        role="presentation"
        classList={{ 'backdrop-corner': props.placement === 'corner' }}
        onMouseDown={(event) => {
          if (event.target === event.currentTarget) props.onClose();
        }}
      >
        <div
          ref={panel}
          class={`dialog dialog-${props.size ?? 'medium'}`}
          role="dialog"
          aria-modal="true"
          aria-labelledby={titleId}
          tabIndex={-1}
          onKeyDown={onKeyDown}
        >
          <header class="dialog-head">
            <div>
              <h2 id={titleId}>{props.title}</h2>
              <Show when={props.subtitle}>
                <p class="dialog-subtitle">{props.subtitle}</p>
              </Show>
            </div>
            <button type="button" class="icon-button" aria-label="Close" onClick={() => props.onClose()}>
              <CloseIcon />
            </button>
          </header>
          <div class="dialog-body">{props.children}</div>
        </div>
      </div>
    </Portal>
  );
}
