import { describe, expect, it } from 'vitest';
import { matchTask, pickCandidate, yesOrNo } from './match';

const tasks = [
  { id: '1', title: 'Buy groceries' },
  { id: '2', title: 'Submit report' },
  { id: '3', title: 'Walk dog' },
  { id: '4', title: 'Call mom' },
  { id: '5', title: 'Call dentist' },
  { id: '6', title: 'Buy milk' },
  { id: '7', title: 'Buy milk and eggs' },
];

describe('matchTask', () => {
  it.each([
    ['buy groceries', '1'],
    ['the groceries', '1'],
    ['submit the report', '2'],
    ['walk the dog', '3'],
    ['wlak dog', '3'],
    ['Buy milk', '6'],
    ['mom', '4'],
    ['dentist', '5'],
  ])('"%s" → task %s', (target, id) => {
    const m = matchTask(target, tasks);
    expect(m.kind).toBe('found');
    expect(m.kind === 'found' && m.task.id).toBe(id);
  });

  it('asks when several tasks fit equally', () => {
    const m = matchTask('call', tasks);
    expect(m.kind).toBe('ambiguous');
    expect(m.kind === 'ambiguous' && m.candidates.map((c) => c.id).sort()).toEqual(['4', '5']);
  });

  it('finds nothing for unrelated words', () => {
    expect(matchTask('file taxes', tasks).kind).toBe('none');
    expect(matchTask('the', tasks).kind).toBe('none');
  });
});

describe('answers', () => {
  const candidates = [tasks[3]!, tasks[4]!];
  it('picks by number, ordinal or words', () => {
    expect(pickCandidate('2', candidates)?.id).toBe('5');
    expect(pickCandidate('the first one', candidates)?.id).toBe('4');
    expect(pickCandidate('the dentist', candidates)?.id).toBe('5');
    expect(pickCandidate('something else', candidates)).toBeUndefined();
  });
  it('reads yes and no', () => {
    expect(yesOrNo('yes please')).toBe('yes');
    expect(yesOrNo('Sure')).toBe('yes');
    expect(yesOrNo('no thanks')).toBe('no');
    expect(yesOrNo('never mind')).toBe('no');
    expect(yesOrNo('tomorrow at 9')).toBeUndefined();
  });
});
