import { describe, expect, it } from 'vitest';
import { driftedSchemas, renderSchemas } from '../../scripts/gen-schemas';
import { newTask, toView } from '../domain/task';
import { ValidationError } from '../errors';
import { CATALOG, parseEvent, TaskCreated, TaskPurged } from './catalog';
import { fromHttp, toBinaryHttp, toStructuredHttp } from './http-binding';

const meta = { source: '/taskwire/functions/test', correlationId: 'corr-1' };
const task = newTask(
  { title: 'Buy milk' },
  {
    id: '5a0e8c8e-7f7e-4d55-9a59-2d1c7f0e0c11',
    now: new Date('2026-03-04T14:00:00Z'),
    defaultTimezone: 'UTC',
  },
);

describe('event catalog', () => {
  it('creates CloudEvents with the required extensions', () => {
    const ev = TaskCreated.create(
      { data: { task: toView(task), actor: 'api' }, subject: task.id, sequence: 1 },
      meta,
    );
    expect(ev).toMatchObject({
      specversion: '1.0',
      type: 'dev.taskwire.task.created.v1',
      source: '/taskwire/functions/test',
      subject: task.id,
      correlationid: 'corr-1',
      sequence: 1,
      partitionkey: task.id,
      schemaversion: 1,
      dataschema: 'urn:taskwire:schema:dev.taskwire.task.created.v1',
    });
    expect(parseEvent(JSON.parse(JSON.stringify(ev)))).toEqual(ev);
  });

  it('refuses to create an event whose data does not fit the schema', () => {
    expect(() =>
      TaskPurged.create(
        {
          data: { taskId: 'nope', title: 'x', actor: 'api', reason: 'retention' },
          subject: 'x',
          sequence: 2,
        },
        meta,
      ),
    ).toThrow(ValidationError);
  });

  it('rejects received events of unknown types or with bad data, naming the field', () => {
    expect(() => parseEvent({ type: 'dev.taskwire.nope.v1' })).toThrow(/unknown event type/);
    const ev = TaskCreated.create(
      { data: { task: toView(task), actor: 'api' }, subject: task.id, sequence: 1 },
      meta,
    );
    try {
      parseEvent({ ...ev, data: { ...ev.data, task: { ...ev.data.task, title: 42 } } });
      expect.unreachable();
    } catch (err) {
      expect((err as ValidationError).issues.map((i) => i.field)).toContain('data.task.title');
    }
  });

  it('round-trips through binary and structured HTTP modes', () => {
    const ev = TaskCreated.create(
      { data: { task: toView(task), actor: 'api' }, subject: task.id, sequence: 7 },
      meta,
    );
    const binary = toBinaryHttp(ev);
    expect(binary.headers['ce-type']).toBe(ev.type);
    expect(binary.headers['ce-partitionkey']).toBe(task.id);
    expect(parseEvent(fromHttp(binary.headers, binary.body))).toEqual(ev);
    const structured = toStructuredHttp(ev);
    expect(parseEvent(fromHttp(structured.headers, structured.body))).toEqual(ev);
  });

  it('has unique types, each with a versioned reverse-DNS name', () => {
    const types = CATALOG.map((d) => d.type);
    expect(new Set(types).size).toBe(types.length);
    for (const t of types) expect(t).toMatch(/^dev\.taskwire\.[a-z]+(\.[a-z-]+)+\.v\d+$/);
  });

  it('committed JSON Schemas match the zod definitions (run npm run gen:schemas when this fails)', () => {
    expect(renderSchemas().size).toBe(CATALOG.length);
    expect(driftedSchemas()).toEqual([]);
  });
});
