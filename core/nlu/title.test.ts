import { describe, expect, it } from 'vitest';
import { sanitise } from './input/sanitise';
import { fixTypos } from './input/typos';
import { cleanTarget, cleanTitle } from './title';

describe('cleanTitle', () => {
  it.each([
    ['to call mom  ,  ', 'Call mom'],
    ['call mom and', 'Call mom'],
    ['turn the lights on', 'Turn the lights on'],
    ['the dentist appointment', 'Dentist appointment'],
    ['buy milk to my list', 'Buy milk'],
    ['  task  ', ''],
    ['something', ''],
    ['check in', 'Check in'],
  ])('"%s" → "%s"', (raw, title) => {
    expect(cleanTitle(raw)).toBe(title);
  });
});

describe('cleanTarget', () => {
  it.each([
    ['the buy groceries task', 'buy groceries'],
    ['walk dog task', 'walk dog'],
    ['that one', 'that'],
    ['it', 'it'],
    ['the last task I added', 'it'],
    ['buy milk from my list', 'buy milk'],
    ['the report deadline', 'report'],
  ])('"%s" → "%s"', (raw, target) => {
    expect(cleanTarget(raw)).toBe(target);
  });
});

describe('sanitise and fixTypos', () => {
  it('strips control and invisible characters and caps the length', () => {
    expect(sanitise('  call\u0000 mom\u200b “now” ')).toBe('call mom "now"');
    expect(sanitise('a '.repeat(2000)).length).toBeLessThanOrEqual(1000);
  });

  it('fixes keywords but not title words', () => {
    expect(fixTypos('remnd me tomorow at 5 pls')).toBe('remind me tomorrow at 5 please');
    expect(fixTypos('buy a sundae on wendsday')).toBe('buy a sundae on wednesday');
    expect(fixTypos('dinner w/ Sam')).toBe('dinner with Sam');
    expect(fixTypos('"tomorow" stays quoted')).toBe('"tomorow" stays quoted');
  });
});
