/**
 * The audit trail's owner: audit-sink writes it from the events, the API and the chat read it.
 * Nothing else touches the `audit_log` table.
 */
import { and, desc, eq, gte, lt, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../db/client';
import { boundSql, insertRows } from '../db/insert-rows';
import { auditLog } from '../db/schema';
import { type TaskwireEvent, TYPE_PREFIX } from '../events/define-event';

export const AuditEntry = z.object({
  id: z.number().int(),
  eventSource: z.string(),
  eventId: z.string(),
  eventType: z.string(),
  entityType: z.string(),
  entityId: z.string(),
  action: z.string(),
  actor: z.string(),
  at: z.string(),
  correlationId: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
});
export type AuditEntry = z.infer<typeof AuditEntry>;

/** `dev.taskwire.task.created.v1` → entity `task`, action `created`. */
export function describeType(type: string): { entityType: string; action: string } {
  const name = type.startsWith(TYPE_PREFIX) ? type.slice(TYPE_PREFIX.length).replace(/\.v\d+$/, '') : type;
  const dot = name.indexOf('.');
  return dot < 0
    ? { entityType: name, action: name }
    : { entityType: name.slice(0, dot), action: name.slice(dot + 1) };
}

/** Keeps what a person reading the trail needs, not the whole snapshot. */
export function auditDetails(data: unknown): Record<string, unknown> {
  if (!data || typeof data !== 'object') return {};
  const { task, actor: _actor, ...rest } = data as { task?: Record<string, unknown>; actor?: unknown };
  const details: Record<string, unknown> = { ...rest };
  if (task) {
    for (const key of ['title', 'status', 'due', 'priority', 'version', 'seriesId']) {
      if (task[key] !== undefined && task[key] !== null) details[key] = task[key];
    }
  }
  return details;
}

function auditRow(event: TaskwireEvent) {
  const { entityType, action } = describeType(event.type);
  const actor = (event.data as { actor?: unknown } | null)?.actor;
  return {
    eventSource: event.source,
    eventId: event.id,
    eventType: event.type,
    entityType,
    entityId: event.subject,
    action,
    actor: typeof actor === 'string' ? actor : 'system',
    at: new Date(event.time),
    correlationId: event.correlationid,
    details: auditDetails(event.data),
  };
}

/** Records events in the trail; an event already there (same source and id) is left as it is. */
export async function recordAudit(tx: Db, events: readonly TaskwireEvent[]): Promise<void> {
  if (events.length === 0) return;
  const { text, params } = insertRows(auditLog, events.map(auditRow), { onConflict: 'nothing' });
  await tx.execute(boundSql(text, params));
}

export interface AuditQuery {
  entityId?: string | undefined;
  type?: string | undefined;
  since?: Date | undefined;
  before?: number | undefined;
  limit: number;
}

export async function queryAudit(db: Db, q: AuditQuery): Promise<AuditEntry[]> {
  const where: SQL[] = [];
  if (q.entityId) where.push(eq(auditLog.entityId, q.entityId));
  if (q.type) where.push(eq(auditLog.eventType, q.type));
  if (q.since) where.push(gte(auditLog.at, q.since));
  if (q.before) where.push(lt(auditLog.id, q.before));
  const rows = await db
    .select()
    .from(auditLog)
    .where(where.length ? and(...where) : undefined)
    .orderBy(desc(auditLog.id))
    .limit(q.limit);
  return rows.map((r) => ({
    ...r,
    at: r.at.toISOString(),
    details: r.details as Record<string, unknown>,
  }));
}

export interface CompletedEntry {
  taskId: string;
  title: string;
  at: string;
}

/** Tasks completed in [from, to), newest first, each task once (the trail keeps every completion). */
export async function completedBetween(db: Db, from: Date, to: Date, limit = 200): Promise<CompletedEntry[]> {
  const rows = await db
    .select({ entityId: auditLog.entityId, details: auditLog.details, at: auditLog.at })
    .from(auditLog)
    .where(
      and(
        eq(auditLog.entityType, 'task'),
        eq(auditLog.action, 'completed'),
        gte(auditLog.at, from),
        lt(auditLog.at, to),
      ),
    )
    .orderBy(desc(auditLog.at))
    .limit(limit);
  const seen = new Set<string>();
  const out: CompletedEntry[] = [];
  for (const r of rows) {
    if (seen.has(r.entityId)) continue;
    seen.add(r.entityId);
    out.push({
      taskId: r.entityId,
      title: String((r.details as { title?: unknown }).title ?? 'a task'),
      at: r.at.toISOString(),
    });
  }
  return out;
}
