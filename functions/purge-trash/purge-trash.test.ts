import { eq, inArray, isNull, sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { outbox } from '../../core/db/schema';
import { TaskPurged } from '../../core/events/catalog';
import { trashTaskById } from '../../core/tasks/commands';
import { findTask } from '../../core/tasks/repository';
import { type FunctionKit, functionKit } from '../../test/support/function-kit';
import purgeTrash from '.';

const DAY = 86_400_000;
let kit: FunctionKit;
beforeEach(async () => {
  kit = await functionKit(purgeTrash, { now: '2026-03-01T12:00:00Z' });
});
afterEach(async () => kit.close());

/** A task moved to the trash `daysAgo` days before the kit's clock. */
async function trashed(title: string, daysAgo: number) {
  const now = kit.clock.now();
  kit.clock.set(new Date(now.getTime() - daysAgo * DAY));
  const t = await kit.createTask({ title });
  await trashTaskById(kit.seed, t.id);
  kit.clock.set(now);
  return t.id;
}
const exists = async (id: string) => (await findTask(kit.db, id, { includeDeleted: true })) !== undefined;

describe('purge-trash: the tick', () => {
  it('removes tasks that spent the retention period in the trash, announcing each; keeps the rest', async () => {
    const old = await trashed('Old idea', 31);
    const exactly = await trashed('Thirty days', 30);
    const recent = await trashed('Second thoughts', 29);
    const live = (await kit.createTask({ title: 'Still wanted' })).id;
    expect(await kit.tick()).toMatchObject({ purged: 2 });
    expect(await exists(old)).toBe(false);
    expect(await exists(exactly)).toBe(false);
    expect(await exists(recent)).toBe(true);
    expect(await exists(live)).toBe(true);
    const purged = await kit.emitted(TaskPurged);
    expect(purged.map((e) => e.subject).sort()).toEqual([old, exactly].sort());
    expect(purged.find((e) => e.subject === old)!.data).toEqual({
      taskId: old,
      title: 'Old idea',
      actor: 'system:purge-trash',
      reason: 'retention',
    });
    expect(kit.logs()).toContainEqual(expect.objectContaining({ message: 'trash purged', purged: 2 }));
    expect(await kit.tick()).toMatchObject({ purged: 0 });
  });

  it('follows TRASH_RETENTION_DAYS', async () => {
    await kit.close();
    kit = await functionKit(purgeTrash, { now: '2026-03-01T12:00:00Z', env: { TRASH_RETENTION_DAYS: '7' } });
    const week = await trashed('A week ago', 8);
    const days = await trashed('Days ago', 3);
    expect(await kit.tick()).toMatchObject({ purged: 1 });
    expect([await exists(week), await exists(days)]).toEqual([false, true]);
  });

  it('prunes published events older than a week from the event log, keeping newer and unpublished ones', async () => {
    const ids = [];
    for (const title of ['Old event', 'Recent event', 'Unpublished event'])
      ids.push((await kit.createTask({ title })).id);
    const [oldRow, recentRow] = await kit.db.select({ id: outbox.id }).from(outbox).orderBy(outbox.id);
    await kit.db
      .update(outbox)
      .set({ publishedAt: sql`now() - interval '8 days'` })
      .where(eq(outbox.id, oldRow!.id));
    await kit.db
      .update(outbox)
      .set({ publishedAt: sql`now() - interval '1 day'` })
      .where(eq(outbox.id, recentRow!.id));
    expect(await kit.tick()).toEqual({ purged: 0, prunedEvents: 1 });
    const left = await kit.db
      .select({ subject: outbox.partitionKey })
      .from(outbox)
      .where(inArray(outbox.partitionKey, ids))
      .orderBy(outbox.id);
    expect(left.map((r) => r.subject)).toEqual([ids[1], ids[2]]);
    expect(await kit.db.select().from(outbox).where(isNull(outbox.publishedAt))).toHaveLength(1);
  });

  it('purges expired state (conversations kept 30 days)', async () => {
    await kit.deps.state.set('conversation:old', { messages: [] }, { ttlSeconds: 60 });
    await kit.deps.state.set('conversation:kept', { messages: [] }, { ttlSeconds: 3600 });
    kit.clock.advance(120_000);
    await kit.tick();
    expect(await kit.deps.state.get('conversation:kept')).toBeDefined();
    kit.clock.set('2026-03-01T12:00:00Z');
    expect(await kit.deps.state.get('conversation:old')).toBeUndefined();
    expect(kit.logs()).toContainEqual(
      expect.objectContaining({ message: 'expired conversations and state purged', expired: 1 }),
    );
  });
});

describe('purge-trash: its app', () => {
  it('POST /tick purges and says what it did', async () => {
    const old = await trashed('Old idea', 40);
    expect(await kit.postTick()).toMatchObject({
      status: 200,
      body: { ok: true, result: { purged: 1, prunedEvents: 0 } },
    });
    expect(await exists(old)).toBe(false);
  });

  it('takes no CloudEvents: POST / is not a route of this function (404)', async () => {
    expect((await kit.json('/', { method: 'POST', json: {} })).status).toBe(404);
  });
});
