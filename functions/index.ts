import type { TaskwireFunction } from './_runtime/define-function';
import auditSink from './audit-sink';
import chat from './chat';
import completeTask from './complete-task';
import createTask from './create-task';
import deadLetters from './dead-letters';
import deleteTask from './delete-task';
import deliverEmail from './deliver-email';
import fireReminders from './fire-reminders';
import listTasks from './list-tasks';
import notifications from './notifications';
import onTaskCompleted from './on-task-completed';
import purgeTrash from './purge-trash';
import pushSubscriptions from './push-subscriptions';
import restoreTask from './restore-task';
import scheduleReminders from './schedule-reminders';
import sendNotification from './send-notification';
import sendPush from './send-push';
import series from './series';
import settings from './settings';
import taskStream from './task-stream';
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
  onTaskCompleted,
  series,
  scheduleReminders,
  fireReminders,
  sendNotification,
  deliverEmail,
  pushSubscriptions,
  sendPush,
  notifications,
  chat,
  taskStream,
];
