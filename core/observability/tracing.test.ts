import { afterAll, describe, expect, it } from 'vitest';
import { memoryLogger, startTestHost } from '../../test/support/harness';
import { outbox } from '../db/schema';
import type { TaskwireEvent } from '../events/define-event';
import { runWithContext } from './context';
import {
  activeTraceHeaders,
  inConsumerSpan,
  inServerSpan,
  parseTraceparent,
  producerTraceContext,
  startTracing,
  type Tracing,
  tracingEnabled,
} from './tracing';

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const INCOMING = `00-${TRACE}-00f067aa0ba902b7-01`;
const message = { topic: 'task-events', id: 'e1', type: 'dev.taskwire.task.created.v1', subject: 't1' };
const request = (headers: Record<string, string> = {}) => ({
  method: 'POST',
  url: 'http://127.0.0.1/api/tasks',
  headers: new Headers(headers),
});

describe('tracing', () => {
  let tracing: Tracing | undefined;
  afterAll(async () => tracing?.shutdown());

  it('before the SDK starts: nothing is made, an incoming traceparent is passed on as it came', async () => {
    expect(tracingEnabled()).toBe(false);
    expect(producerTraceContext(message, { traceparent: INCOMING })).toEqual({ traceparent: INCOMING });
    let inside: unknown = 'not run';
    await inServerSpan(
      request({ traceparent: INCOMING }),
      async () => {
        inside = activeTraceHeaders();
      },
      () => ({ status: 201 }),
    );
    expect(inside).toBeUndefined();
    expect(await startTracing('t', { OTEL_SDK_DISABLED: 'true' })).toMatchObject({ enabled: false });
    expect(await startTracing('t', {})).toMatchObject({ enabled: false });
    expect(tracingEnabled()).toBe(false);
  });

  it('server span → producer span → consumer span: one trace, each a new span; log lines carry the ids', async () => {
    tracing = await startTracing('taskwire-test', {}, { always: true });
    expect(tracing).toMatchObject({ enabled: true, exporting: false });
    const { log, lines } = memoryLogger('info');
    let server: { traceparent: string } | undefined;
    let produced: { traceparent?: string | undefined } = {};
    await inServerSpan(
      request({ traceparent: INCOMING }),
      async () => {
        server = activeTraceHeaders();
        runWithContext({ correlationId: 'c1' }, () => log.info('serving'));
        produced = producerTraceContext(message, {});
      },
      () => ({ status: 201, route: '/api/tasks' }),
    );
    const s = parseTraceparent(server!.traceparent)!;
    expect(s.traceId).toBe(TRACE);
    expect(s.spanId).not.toBe('00f067aa0ba902b7');
    const p = parseTraceparent(produced.traceparent)!;
    expect(p.traceId).toBe(TRACE);
    expect(p.spanId).not.toBe(s.spanId);
    expect(lines().find((l) => l.message === 'serving')).toMatchObject({
      correlationId: 'c1',
      traceId: TRACE,
      spanId: s.spanId,
    });

    let consumer: { traceparent: string } | undefined;
    await inConsumerSpan({ ...message, traceparent: produced.traceparent }, 'audit-sink', async () => {
      consumer = activeTraceHeaders();
    });
    const c = parseTraceparent(consumer!.traceparent)!;
    expect(c.traceId).toBe(TRACE);
    expect(c.spanId).not.toBe(p.spanId);
  });

  it('a request without traceparent starts a trace of its own', async () => {
    let inside: { traceparent: string } | undefined;
    await inServerSpan(
      request(),
      async () => {
        inside = activeTraceHeaders();
      },
      () => ({ status: 200 }),
    );
    const sc = parseTraceparent(inside!.traceparent)!;
    expect(sc.traceId).toMatch(/^[\da-f]{32}$/);
    expect(sc.traceId).not.toBe(TRACE);
  });

  it('the runtime writes the current span into the events a request creates', async () => {
    const host = await startTestHost();
    try {
      const res = await host.json('/api/tasks', {
        method: 'POST',
        json: { title: 'traced' },
        headers: { traceparent: INCOMING, tracestate: 'vendor=1' },
      });
      expect(res.status).toBe(201);
      const [row] = await host.deps.database.db.select().from(outbox);
      const event = row!.event as TaskwireEvent;
      const sc = parseTraceparent(event.traceparent)!;
      expect(sc.traceId).toBe(TRACE);
      expect(sc.spanId).not.toBe('00f067aa0ba902b7');
      expect(event.tracestate).toBe('vendor=1');
    } finally {
      await host.stop();
    }
  });
});
