// Runs the frozen dialogues (core/nlu/corpus/test/dialogues.jsonl) through POST /api/chat on a
// real test host, and says for each turn whether what it expected happened. Used by the
// dialogue test and by scripts/nlu-eval.ts --dialogues.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ManualClock } from '../../core/ports/clock';
import { startTestHost, type TestHost } from '../support/harness';

export const DIALOGUES = join(
  import.meta.dirname,
  '..',
  '..',
  'core',
  'nlu',
  'corpus',
  'test',
  'dialogues.jsonl',
);
const NOW = '2026-05-13T14:00:00Z';
const ZONE = 'America/New_York';

interface TaskExpect {
  title?: string;
  titleLike?: string;
  due?: string;
  priority?: string;
  tags?: string[];
  reminders?: { minutesBefore: number }[];
  status?: string;
  hasReminder?: boolean;
  recurring?: boolean;
}

interface TurnExpect {
  ops?: string[];
  ask?: boolean;
  count?: number;
  gone?: string;
  reply?: string;
  task?: TaskExpect;
}

export interface Dialogue {
  name: string;
  tasks?: { title: string; due?: string }[];
  turns: { say: string; expect: TurnExpect }[];
}

export interface TurnResult {
  dialogue: string;
  index: number;
  say: string;
  ok: boolean;
  problems: string[];
  reply: string;
}

interface TaskRow {
  title: string;
  due: string | null;
  priority: string | null;
  tags: string[];
  reminders: { minutesBefore: number }[];
  status: string;
  recurrence: unknown;
}

export function readDialogues(file = DIALOGUES): Dialogue[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Dialogue);
}

function regex(pattern: string): RegExp {
  const flags = pattern.startsWith('(?i)') ? 'i' : '';
  return new RegExp(pattern.replace(/^\(\?i\)/, ''), flags);
}

function checkTask(all: TaskRow[], want: TaskExpect): string[] {
  const found = all.filter((t) =>
    want.title
      ? t.title.toLowerCase() === want.title.toLowerCase()
      : want.titleLike
        ? new RegExp(want.titleLike, 'i').test(t.title)
        : true,
  );
  if (!found.length) return [`no task like ${want.title ?? want.titleLike ?? '(any)'}`];
  const problems = found.map((t) => {
    const p: string[] = [];
    if (want.due && new Date(t.due ?? 0).getTime() !== new Date(want.due).getTime())
      p.push(`due ${t.due}, wanted ${want.due}`);
    if (want.priority && t.priority !== want.priority) p.push(`priority ${t.priority}`);
    if (want.tags && !want.tags.every((g) => t.tags.includes(g))) p.push(`tags ${t.tags}`);
    if (
      want.reminders &&
      JSON.stringify(t.reminders.map((r) => r.minutesBefore).sort()) !==
        JSON.stringify(want.reminders.map((r) => r.minutesBefore).sort())
    )
      p.push(`reminders ${JSON.stringify(t.reminders)}`);
    if (want.hasReminder && !t.reminders.length) p.push('no reminder');
    if (want.recurring && !t.recurrence) p.push('not recurring');
    if (want.status && t.status !== want.status) p.push(`status ${t.status}`);
    return p;
  });
  return problems.some((p) => p.length === 0) ? [] : [`${found[0]!.title}: ${problems[0]!.join(', ')}`];
}

/** Plays the dialogues on one host, each on an empty list (the previous dialogue's tasks trashed). */
export async function playDialogues(dialogues: Dialogue[]): Promise<TurnResult[]> {
  const host: TestHost = await startTestHost({ clock: new ManualClock(NOW) });
  try {
    await host.json('/api/settings', { method: 'PUT', json: { timezone: ZONE } });
    const results: TurnResult[] = [];
    for (const d of dialogues) {
      const left = (await host.json('/api/tasks?status=all&limit=200')).body.tasks as { id: string }[];
      for (const t of left) await host.request(`/api/tasks/${t.id}`, { method: 'DELETE' });
      await host.settle();
      results.push(...(await playDialogue(host, d)));
    }
    return results;
  } finally {
    await host.stop();
  }
}

async function playDialogue(host: TestHost, d: Dialogue): Promise<TurnResult[]> {
  for (const t of d.tasks ?? [])
    await host.json('/api/tasks', { method: 'POST', json: { ...t, timezone: ZONE } });
  await host.settle();
  let conversationId: string | undefined;
  const results: TurnResult[] = [];
  for (const [index, turn] of d.turns.entries()) {
    const res = await host.json('/api/chat', {
      method: 'POST',
      json: { message: turn.say, ...(conversationId ? { conversationId } : {}) },
    });
    await host.settle();
    const body = res.body as {
      conversationId: string;
      reply: string;
      question?: string;
      operations: { intent: string }[];
    };
    conversationId = body.conversationId;
    const problems: string[] = [];
    const e = turn.expect;
    if (res.status !== 200) problems.push(`status ${res.status}: ${JSON.stringify(res.body).slice(0, 200)}`);
    body.operations ??= [];
    body.reply ??= '';
    if (e.ops && JSON.stringify(body.operations.map((o) => o.intent)) !== JSON.stringify(e.ops))
      problems.push(`ops ${JSON.stringify(body.operations.map((o) => o.intent))}`);
    if (e.ask && !body.question) problems.push('no question');
    if (e.reply && !regex(e.reply).test(body.reply)) problems.push('reply');
    if (e.count !== undefined || e.gone || e.task) {
      const active = (await host.json('/api/tasks?status=active&limit=200')).body.tasks as TaskRow[];
      const all = (await host.json('/api/tasks?status=all&limit=200')).body.tasks as TaskRow[];
      if (e.count !== undefined && active.length !== e.count) problems.push(`${active.length} active tasks`);
      if (e.gone && active.some((t) => t.title.toLowerCase() === e.gone!.toLowerCase()))
        problems.push(`${e.gone} still there`);
      if (e.task) problems.push(...checkTask(all, e.task));
    }
    results.push({
      dialogue: d.name,
      index,
      say: turn.say,
      ok: problems.length === 0,
      problems,
      reply: body.reply,
    });
  }
  return results;
}
