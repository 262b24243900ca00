import { createSignal } from 'solid-js';
import { createStore } from 'solid-js/store';
import type { Api } from '../../api/client';
import type { Task } from '../../api/types';
import { Dialog } from '../../components/dialog';
import { draftToInput, emptyDraft } from '../../lib/task-draft';
import { createFormErrors } from './form-errors';
import { FORM_FIELDS, TaskForm } from './task-form';

export interface NewTaskDialogProps {
  api: Pick<Api, 'createTask'>;
  timeZone: string;
  zones: string[];
  onCreated: (task: Task) => void;
  onClose: () => void;
}

/** The plain form for people who prefer forms to chat. */
export function NewTaskDialog(props: NewTaskDialogProps) {
  const [draft, setDraft] = createStore(emptyDraft(props.timeZone));
  const [busy, setBusy] = createSignal(false);
  const errors = createFormErrors(FORM_FIELDS);
  let root: HTMLDivElement | undefined;

  async function submit(): Promise<void> {
    const result = draftToInput(draft);
    if ('errors' in result) {
      errors.show(result.errors);
      errors.focusFirst(root);
      return;
    }
    setBusy(true);
    try {
      const task = await props.api.createTask(result.input);
      errors.clear();
      props.onCreated(task);
    } catch (err) {
      errors.fromError(err);
      errors.focusFirst(root);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Dialog title="New task" onClose={props.onClose} size="large">
      <div ref={root}>
        <TaskForm
          draft={draft}
          setDraft={setDraft}
          errors={errors.fields()}
          formErrors={errors.other()}
          zones={props.zones}
          submitLabel="Create task"
          busy={busy()}
          onSubmit={() => void submit()}
          autofocusTitle
          onEdited={errors.clearField}
          onCancel={props.onClose}
        />
      </div>
    </Dialog>
  );
}
