import type { TaskwireFunction } from './_runtime/define-function';
import auditSink from './audit-sink';
import completeTask from './complete-task';
import createTask from './create-task';
import deadLetters from './dead-letters';
import deleteTask from './delete-task';
import listTasks from './list-tasks';
import purgeTrash from './purge-trash';
import restoreTask from './restore-task';
import settings from './settings';
import updateTask from './update-task';

/** Every function of Taskwire. Hosts, generators and policy tests read this list. */
export const FUNCTIONS: readonly TaskwireFunction[] = [
  createTask,
  listTasks,
  updateTask,
  completeTask,
  deleteTask,
  restoreTask,
  purgeTrash,
  auditSink,
  settings,
  deadLetters,
];
