import { expect, it } from 'vitest';
import { memoryLogger } from '../../test/support/harness';
import { runWithContext } from './context';

it('writes JSON lines with ISO time, level name, message and the correlation id of the action', () => {
  const { log, lines } = memoryLogger('info');
  runWithContext({ correlationId: 'abc-123' }, () => log.info({ taskId: 't1' }, 'task created'));
  log.debug('hidden below the level');
  log.warn('outside any action');
  const [first, second] = lines();
  expect(lines()).toHaveLength(2);
  expect(first).toMatchObject({
    level: 'info',
    message: 'task created',
    correlationId: 'abc-123',
    taskId: 't1',
  });
  expect(new Date(first!.time as string).toISOString()).toBe(first!.time);
  expect(second).toMatchObject({ level: 'warn', message: 'outside any action' });
  expect(second).not.toHaveProperty('correlationId');
});
