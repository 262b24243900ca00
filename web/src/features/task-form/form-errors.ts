import { createSignal } from 'solid-js';
import { ApiError } from '../../api/client';
import type { FieldError } from '../../api/types';
import { errorsByField } from '../../lib/task-draft';

/** Field messages for a form: from local checks or from a problem+json answer. */
export function createFormErrors(known: readonly string[]) {
  const [fields, setFields] = createSignal<Record<string, string>>({});
  const [other, setOther] = createSignal<string[]>([]);

  function show(errors: FieldError[], fallback?: string): void {
    const split = errorsByField(errors, known);
    setFields(split.fields);
    if (split.other.length) setOther(split.other);
    else setOther(errors.length === 0 && fallback ? [fallback] : []);
  }

  function fromError(err: unknown): void {
    if (err instanceof ApiError) show(err.fieldErrors, err.detail || err.title);
    else show([], err instanceof Error ? err.message : 'Something went wrong.');
  }

  /** Moves focus to the first field that needs attention. */
  function focusFirst(root: ParentNode | undefined): void {
    queueMicrotask(() => root?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus());
  }

  return {
    fields,
    other,
    show,
    fromError,
    focusFirst,
    clearField: (name: string) => {
      setFields(({ [name]: _, ...rest }) => rest);
    },
    clear: () => {
      setFields({});
      setOther([]);
    },
  };
}
