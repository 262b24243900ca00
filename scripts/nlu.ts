// Evaluation CLI of the offline parser (issue 4, item 7):
//   npm run --silent nlu -- --now 2026-03-04T09:00:00-05:00 --tz America/New_York
// reads one utterance per line on stdin and writes exactly one JSON object per line on
// stdout, in order. Anything else (usage, errors) goes to stderr.
import { Temporal } from 'temporal-polyfill';
import { isKnownTimeZone } from '../core/domain/time-zone';
// The parser itself, not the package index: the index also loads zod, which costs start-up time.
import { parseUtterance } from '../core/nlu/parse';
import type { ParseResult, TaskSlots } from '../core/nlu/types';

const USAGE =
  'usage: nlu [--now <ISO 8601 date-time>] [--tz <IANA time zone>]  (utterances on stdin, one per line)';

interface CliOptions {
  now: Date;
  timeZone: string;
}

class UsageError extends Error {}

function argValue(args: string[], name: string): string | undefined {
  const index = args.findIndex((a) => a === name || a.startsWith(`${name}=`));
  if (index === -1) return undefined;
  const arg = args[index]!;
  if (arg.includes('=')) return arg.slice(name.length + 1);
  const value = args[index + 1];
  if (value === undefined || value.startsWith('--')) throw new UsageError(`${name} needs a value`);
  return value;
}

function parseNow(raw: string, timeZone: string): Date {
  try {
    // With an offset it is an instant; without one, a wall-clock time in --tz.
    if (/(?:Z|[+-]\d{2}(?::?\d{2})?)$/i.test(raw))
      return new Date(Temporal.Instant.from(raw).epochMilliseconds);
    return new Date(Temporal.PlainDateTime.from(raw).toZonedDateTime(timeZone).epochMilliseconds);
  } catch {
    throw new UsageError(`--now: "${raw}" is not an ISO 8601 date-time such as 2026-03-04T09:00:00-05:00`);
  }
}

function parseArgs(args: string[]): CliOptions {
  for (const arg of args) {
    if (!/^--(?:now|tz)(?:=|$)/.test(arg) && arg.startsWith('--'))
      throw new UsageError(`unknown option ${arg}`);
  }
  const timeZone = argValue(args, '--tz') ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (!isKnownTimeZone(timeZone))
    throw new UsageError(`--tz: "${timeZone}" is not an IANA time zone such as Europe/Berlin`);
  const nowText = argValue(args, '--now');
  return { now: nowText ? parseNow(nowText, timeZone) : new Date(), timeZone };
}

function contractTask(task: TaskSlots): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of ['title', 'due', 'priority', 'tags', 'recurrence', 'reminders'] as const) {
    if (task[key] !== undefined) out[key] = task[key];
  }
  return out;
}

/** The result with exactly the keys of the CLI contract, in its order; `pending` stays internal. */
function toContract(result: ParseResult): Record<string, unknown> {
  const out: Record<string, unknown> = { intent: result.intent, confidence: result.confidence };
  if (result.task) out.task = contractTask(result.task);
  if (result.target !== undefined) out.target = result.target;
  if (result.filter) out.filter = result.filter;
  if (result.question !== undefined) out.question = result.question;
  return out;
}

/** Lines split on "\n" only (a stray "\r" inside a line is text), with a trailing "\r" dropped. */
async function* stdinLines(): AsyncGenerator<string> {
  process.stdin.setEncoding('utf8');
  let buffer = '';
  for await (const chunk of process.stdin as AsyncIterable<string>) {
    buffer += chunk;
    let newline = buffer.indexOf('\n');
    while (newline !== -1) {
      yield buffer.slice(0, newline).replace(/\r$/, '');
      buffer = buffer.slice(newline + 1);
      newline = buffer.indexOf('\n');
    }
  }
  if (buffer !== '') yield buffer.replace(/\r$/, '');
}

async function write(line: string): Promise<void> {
  if (!process.stdout.write(line)) await new Promise((resolve) => process.stdout.once('drain', resolve));
}

async function main(): Promise<void> {
  let options: CliOptions;
  try {
    options = parseArgs(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`nlu: ${(error as Error).message}\n${USAGE}\n`);
    process.exitCode = 2;
    return;
  }
  for await (const line of stdinLines()) {
    let json: string;
    try {
      json = JSON.stringify(
        toContract(parseUtterance(line, { now: options.now, timeZone: options.timeZone })),
      );
    } catch (error) {
      process.stderr.write(`nlu: could not parse a line: ${(error as Error).message}\n`);
      json = JSON.stringify({ intent: 'none', confidence: 0 });
    }
    await write(`${json}\n`);
  }
}

await main();
