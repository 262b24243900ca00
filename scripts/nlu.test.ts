import { spawn } from 'node:child_process';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ParseResultSchema } from '../core/nlu/index';

const root = join(import.meta.dirname, '..');
const CONTRACT_KEYS = ['intent', 'confidence', 'task', 'target', 'filter', 'question'];
const TASK_KEYS = ['title', 'due', 'priority', 'tags', 'recurrence', 'reminders'];
const ARGS = ['--now', '2026-03-04T09:00:00-05:00', '--tz', 'America/New_York'];

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(command: string, args: string[], input: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: root, env: { ...process.env, TZ: 'UTC' } });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}

const cli = (input: string, args = ARGS) =>
  run(process.execPath, ['--import', 'tsx', 'scripts/nlu.ts', ...args], input);

function objects(stdout: string): Record<string, unknown>[] {
  expect(stdout.endsWith('\n') || stdout === '').toBe(true);
  return stdout
    .split('\n')
    .slice(0, -1)
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('nlu CLI', () => {
  it('answers the exact acceptance command with one JSON object per line, in order', async () => {
    const input = [
      'Create a task to call mom on Sunday at 3pm',
      '',
      'Mark buy groceries as complete',
      'remind me',
      'What are my tasks?',
    ].join('\n');
    const { code, stdout } = await run('npm', ['run', '--silent', 'nlu', '--', ...ARGS], `${input}\n`);
    expect(code).toBe(0);
    const results = objects(stdout);
    expect(results.map((r) => r.intent)).toEqual(['create', 'none', 'complete', 'clarify', 'query']);
    expect(results[0]).toEqual({
      intent: 'create',
      confidence: expect.any(Number),
      task: { title: 'Call mom', due: '2026-03-08T15:00:00-04:00' },
    });
    expect(results[3]).toMatchObject({ question: expect.any(String) });
    for (const result of results) {
      expect(Object.keys(result).every((k) => CONTRACT_KEYS.includes(k))).toBe(true);
      expect(Object.keys(result)).toEqual(CONTRACT_KEYS.filter((k) => k in result));
      if (result.task) expect(Object.keys(result.task).every((k) => TASK_KEYS.includes(k))).toBe(true);
      expect(ParseResultSchema.safeParse(result).success).toBe(true);
    }
  }, 60_000);

  it('keeps one object per line for any input, CRLF and a missing final newline included', async () => {
    const lines = fc.sample(
      fc.string({ unit: 'binary', maxLength: 80 }).map((l) => l.replace(/\n/g, ' ')),
      {
        numRuns: 150,
        seed: 42,
      },
    );
    // The last line has no newline after it, so it must not be empty to count as a line.
    lines[lines.length - 1] = `${lines.at(-1)} last`;
    const input = `${lines.slice(0, 75).join('\r\n')}\r\n${lines.slice(75).join('\n')}`;
    const { code, stdout } = await cli(input);
    expect(code).toBe(0);
    const results = objects(stdout);
    expect(results).toHaveLength(lines.length);
    for (const result of results) expect(ParseResultSchema.safeParse(result).success).toBe(true);
  }, 60_000);

  it('writes nothing on stdout for no input', async () => {
    expect(await cli('')).toMatchObject({ code: 0, stdout: '' });
  }, 60_000);

  it('rejects bad options on stderr, with nothing on stdout', async () => {
    for (const args of [['--tz', 'Mars/Olympus'], ['--now', 'soon'], ['--color']]) {
      const { code, stdout, stderr } = await cli('hi\n', args);
      expect(code).toBe(2);
      expect(stdout).toBe('');
      expect(stderr).toMatch(/nlu: .+\nusage:/);
    }
  }, 60_000);

  it('reads --now without an offset as a wall-clock time in --tz', async () => {
    const { stdout } = await cli('buy milk tomorrow\n', [
      '--now',
      '2026-03-25T18:30',
      '--tz',
      'Europe/Berlin',
    ]);
    expect(objects(stdout)[0]).toMatchObject({ task: { due: '2026-03-26T09:00:00+01:00' } });
  }, 60_000);
});
