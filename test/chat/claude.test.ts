import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../core/ports/clock';
import { lastTurn, type MessagesRequest, startFakeAnthropic } from '../support/fake-anthropic';
import { startTestHost, type TestHost } from '../support/harness';

let host: TestHost | undefined;
let closeFake: (() => Promise<void>) | undefined;
afterEach(async () => {
  await host?.stop();
  await closeFake?.();
  host = undefined;
});

/** A scripted model: reads the user's words, calls the tool a good model would, then sums up. */
function seedScript(req: MessagesRequest) {
  const { text, toolResults } = lastTurn(req);
  if (toolResults.length) {
    const first = toolResults[0]!;
    if (first.is_error) return { text: `Sorry, that did not work: ${String(first.content)}` };
    return { text: `Done: ${JSON.parse(String(first.content)).result}` };
  }
  const t = text.toLowerCase();
  if (t.includes('call mom')) {
    return {
      tools: [
        {
          name: 'create_task',
          input: { title: 'Call mom', due: '2026-03-08T15:00:00-04:00', reminders: [{ minutesBefore: 15 }] },
        },
      ],
    };
  }
  if (t.includes('buy groceries tomorrow'))
    return {
      tools: [{ name: 'create_task', input: { title: 'Buy groceries', due: '2026-03-05T09:00:00-05:00' } }],
    };
  if (t.includes('mark buy groceries'))
    return { tools: [{ name: 'complete_task', input: { target: 'buy groceries' } }] };
  if (t.includes('submit report due friday'))
    return {
      tools: [{ name: 'create_task', input: { title: 'Submit report', due: '2026-03-06T17:00:00-05:00' } }],
    };
  if (t.includes('change submit report')) {
    return {
      tools: [
        {
          name: 'update_task',
          input: { target: 'submit report', changes: { due: '2026-03-09T09:00:00-04:00' } },
        },
      ],
    };
  }
  if (t.includes('walk dog today'))
    return {
      tools: [{ name: 'create_task', input: { title: 'Walk dog', due: '2026-03-04T17:00:00-05:00' } }],
    };
  if (t.includes('delete walk dog'))
    return { tools: [{ name: 'delete_task', input: { target: 'walk dog' } }] };
  if (t.includes('what are my tasks'))
    return { tools: [{ name: 'find_tasks', input: { filter: { status: 'active' } } }] };
  if (t.includes('add a task'))
    return { tools: [{ name: 'ask_user', input: { question: 'What should the task be called?' } }] };
  if (t.includes('bad date'))
    return { tools: [{ name: 'create_task', input: { title: 'Oops', due: 'next tuesday-ish' } }] };
  if (t.includes('delete both')) {
    return {
      tools: [
        { name: 'delete_task', input: { target: 'call mom' } },
        { name: 'delete_task', input: { target: 'submit report' } },
      ],
    };
  }
  return { text: 'I can help with your tasks.' };
}

async function start(env: Record<string, string> = {}, failWith?: () => number | undefined) {
  const fake = await startFakeAnthropic(seedScript, {
    apiKey: 'sk-ant-test',
    ...(failWith ? { failWith } : {}),
  });
  closeFake = fake.close;
  host = await startTestHost({
    clock: new ManualClock('2026-03-04T14:00:00Z'),
    env: {
      ANTHROPIC_API_KEY: 'sk-ant-test',
      ANTHROPIC_BASE_URL: fake.baseURL,
      ANTHROPIC_MODEL: 'claude-test-model',
      ...env,
    },
  });
  await host.json('/api/settings', { method: 'PUT', json: { timezone: 'America/New_York' } });
  return fake;
}

async function chat(message: string, conversationId?: string) {
  const res = await host!.json('/api/chat', {
    method: 'POST',
    json: { message, ...(conversationId ? { conversationId } : {}) },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  await host!.settle();
  return res.body;
}
const tasks = async (status = 'active') =>
  (await host!.json(`/api/tasks?status=${status}&limit=200`)).body.tasks as {
    title: string;
    due: string;
    reminders: unknown[];
  }[];

describe('chat with the Claude engine (real SDK against a local Messages API)', () => {
  it('does the seed scenarios through tool use', async () => {
    const fake = await start();
    const r = await chat('Create a task to call mom on Sunday at 3pm, remind me 15 minutes before');
    expect(r.engine).toBe('claude');
    expect(r.reply).toContain('Added “Call mom”');
    expect((await tasks())[0]).toMatchObject({
      title: 'Call mom',
      due: '2026-03-08T19:00:00.000Z',
      reminders: [{ minutesBefore: 15 }],
    });
    await chat('Buy groceries tomorrow');
    await chat('Mark buy groceries as complete');
    expect((await tasks('completed')).map((t) => t.title)).toEqual(['Buy groceries']);
    await chat('Submit report due Friday');
    await chat('Change submit report due date to Monday');
    expect((await tasks()).find((t) => t.title === 'Submit report')!.due).toBe('2026-03-09T13:00:00.000Z');
    await chat('Walk dog today');
    await chat('Delete walk dog task');
    expect((await tasks('all')).map((t) => t.title)).not.toContain('Walk dog');
    const q = await chat('What are my tasks?');
    expect(q.tasks.map((t: { title: string }) => t.title).sort()).toEqual(['Call mom', 'Submit report']);

    const req = fake.requests[0]!;
    expect(req.headers['anthropic-version']).toBeTruthy();
    expect(req.body.model).toBe('claude-test-model');
    expect(JSON.stringify(req.body.system)).toContain("You are Taskwire's assistant");
    expect(JSON.stringify(req.body.system)).toContain('America/New_York');
    const create = req.body.tools!.find((t) => t.name === 'create_task')!;
    expect(create.input_schema).toMatchObject({
      type: 'object',
      required: expect.arrayContaining(['title']),
    });
    // The tool result went back to the model, and the conversation history is included.
    const later = fake.requests.at(-1)!;
    expect(later.body.messages.length).toBeGreaterThan(1);
    // The first test of the file also pays for the cold start (chrono's locale data, the classifier).
  }, 90_000);

  it('asks the person when the model asks, and keeps the question as the reply', async () => {
    await start();
    const r = await chat('add a task');
    expect(r.question).toBe('What should the task be called?');
    expect(await tasks()).toHaveLength(0);
  });

  it('validates every tool call before it touches anything', async () => {
    const fake = await start();
    const r = await chat('please add this with a bad date');
    expect(await tasks()).toHaveLength(0);
    expect(r.reply).toMatch(/did not work|couldn't/);
    const toolResult = lastTurn(fake.requests.at(-1)!.body).toolResults[0]!;
    expect(toolResult.is_error).toBe(true);
  });

  it('deletes at most one task per message', async () => {
    await start();
    await chat('Create a task to call mom on Sunday at 3pm');
    await chat('Submit report due Friday');
    await chat('delete both');
    expect(await tasks()).toHaveLength(1);
  });

  it('when the API fails: a friendly message and the offline engine', async () => {
    await start({}, () => 500);
    const r = await chat('Buy stamps tomorrow');
    expect(r.engine).toBe('offline');
    expect(r.reply).toMatch(/unavailable/i);
    expect((await tasks()).map((t) => t.title)).toEqual(['Buy stamps']);
  });
});
