import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../core/ports/clock';
import { startTestHost, type TestHost } from '../../test/support/harness';

// One host for the file: parsing changes nothing (the test of the settings' zone sets it last).
let host: TestHost;
beforeAll(async () => {
  // Wednesday 4 March 2026, 09:00 in New York.
  host = await startTestHost({ clock: new ManualClock('2026-03-04T14:00:00Z') });
});
afterAll(async () => host?.stop());

type Part = { field: string; value: unknown; spans: [number, number][] };

const parse = (json: unknown) => host.json('/api/parse', { method: 'POST', json });

/** Each part as "field" (or "tags:value") → the words of `text` it points at. */
function wordsOf(text: string, parts: Part[]): Record<string, string[]> {
  return Object.fromEntries(
    parts.map((p) => [
      p.field === 'tags' ? `tags:${p.value}` : p.field,
      p.spans.map(([a, b]) => text.slice(a, b)),
    ]),
  );
}

describe('POST /api/parse', () => {
  const example = 'call mom sunday at 3pm every week remind me 15 minutes before #family !high';

  it('says what each part is and which words gave it, in the zone asked for', async () => {
    const res = await parse({ text: example, timezone: 'America/New_York', mode: 'task' });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({
      intent: 'create',
      title: 'Call mom',
      timezone: 'America/New_York',
      task: {
        due: '2026-03-08T15:00:00-04:00',
        priority: 'high',
        tags: ['family'],
        recurrence: { frequency: 'weekly', interval: 1 },
        reminders: [{ minutesBefore: 15 }],
      },
    });
    expect(wordsOf(example, res.body.parts)).toEqual({
      due: ['sunday at 3pm'],
      recurrence: ['every week'],
      reminders: ['remind me 15 minutes before'],
      priority: ['!high'],
      'tags:family': ['#family'],
    });
    // The repeat comes with its words as the app says them elsewhere, for the chip.
    expect(res.body.parts.find((p: Part) => p.field === 'recurrence')).toMatchObject({ summary: 'weekly' });
  });

  it('reads a chat message as the chat does, and creates nothing', async () => {
    const res = await parse({ text: 'move the report to monday', timezone: 'America/New_York' });
    expect(res.body).toMatchObject({
      intent: 'update',
      target: 'report',
      task: { due: '2026-03-09T09:00:00-04:00' },
    });
    expect(res.body.title).toBeUndefined();
    const listed = await host.json('/api/tasks?status=all');
    expect(listed.body.tasks).toEqual([]);
  });

  it.each([
    ['no text', {}, 'text', /required|expected string/i],
    ['empty text', { text: '' }, 'text', /type something/],
    ['a number for text', { text: 42 }, 'text', /string/],
    ['4001 characters', { text: 'x'.repeat(4001) }, 'text', /at most 4000/],
    ['an unknown zone', { text: 'buy milk', timezone: 'Mars/Olympus' }, 'timezone', /unknown IANA time zone/],
    ['an unknown mode', { text: 'buy milk', mode: 'poem' }, 'mode', /chat|task/],
  ])('answers %s with a 400 problem naming the field', async (_case, json, field, message) => {
    const res = await parse(json);
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    const error = (res.body.errors as { field: string; message: string }[]).find((e) => e.field === field);
    expect(error, JSON.stringify(res.body)).toBeDefined();
    expect(error!.message).toMatch(message);
  });

  it('refuses a field it does not know, and a body that is not JSON', async () => {
    const unknown = await parse({ text: 'buy milk', now: '2030-01-01' });
    expect(unknown.status).toBe(400);
    expect(JSON.stringify(unknown.body.errors)).toContain('now');
    const broken = await host.json('/api/parse', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"text": ',
    });
    expect(broken.status).toBe(400);
  });

  it('is in the OpenAPI document, request and response', async () => {
    const doc = (await host.json('/api/openapi.json')).body;
    const op = doc.paths['/api/parse'].post;
    expect(JSON.stringify(op.requestBody)).toContain('timezone');
    expect(JSON.stringify(op.responses['200'])).toContain('spans');
    // A span is a pair by minItems/maxItems: Schemathesis (CI's contract check) errors on `prefixItems`.
    expect(JSON.stringify(op.responses['200'])).not.toContain('prefixItems');
    expect(op.responses['400']).toBeDefined();
  });

  it('points at the words as typed, and reads dates in the settings’ zone by default', async () => {
    await host.json('/api/settings', { method: 'PUT', json: { timezone: 'Europe/Berlin' } });
    const text = 'Buy  milk tomorow at 5pm';
    const res = await parse({ text });
    expect(res.status).toBe(200);
    expect(res.body.timezone).toBe('Europe/Berlin');
    expect(res.body.task.due).toBe('2026-03-05T17:00:00+01:00');
    expect(wordsOf(text, res.body.parts)).toEqual({ due: ['tomorow at 5pm'] });
  });
});
