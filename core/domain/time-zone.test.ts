import { describe, expect, it } from 'vitest';
import { dateContext } from '../nlu/parse';
import { describe as describeForQuestion } from '../nlu/zoned';
import { TimeZone, timeZones } from './time';
import { canonicalTimeZone, formatInZone, isKnownTimeZone } from './time-zone';

describe('the one time-zone check', () => {
  it('knows every zone the API accepts, and resolves aliases to their canonical name', () => {
    expect(timeZones().every(isKnownTimeZone)).toBe(true);
    expect(canonicalTimeZone('Europe/Berlin')).toBe('Europe/Berlin');
    expect(canonicalTimeZone('Asia/Calcutta')).toMatch(/^Asia\/(?:Kolkata|Calcutta)$/);
    expect(TimeZone.parse('Asia/Calcutta')).toBe(canonicalTimeZone('Asia/Calcutta'));
  });

  it('knows no zone that is not one, and the API and the parser both refuse it', () => {
    for (const name of ['Mars/Olympus_Mons', 'not a zone', '', 'Europe/Berlin\u0000']) {
      expect(isKnownTimeZone(name), name).toBe(false);
      expect(canonicalTimeZone(name), name).toBeNull();
      expect(TimeZone.safeParse(name).success, name).toBe(false);
      // The offline parser reads an unknown zone as UTC rather than failing.
      expect(dateContext({ now: new Date('2026-03-08T12:00:00Z'), timeZone: name }).timeZone, name).toBe(
        'UTC',
      );
    }
    expect(
      dateContext({ now: new Date('2026-03-08T12:00:00Z'), timeZone: 'America/New_York' }).timeZone,
    ).toBe('America/New_York');
  });

  it('answers for names past its (bounded) cache as for the first ones', () => {
    for (let i = 0; i < 3000; i++) expect(isKnownTimeZone(`Nowhere/Zone_${i}`)).toBe(false);
    expect(isKnownTimeZone('UTC')).toBe(true);
  });
});

describe('an instant written for a person in their zone', () => {
  const at = new Date('2026-03-08T19:00:00Z');
  it('names the day, the date, the time and, unless asked not to, the zone', () => {
    expect(formatInZone(at, 'America/New_York')).toBe('Sun, Mar 8, 3:00 PM EDT');
    expect(formatInZone(at, 'America/New_York', { zoneName: false })).toBe('Sun, Mar 8, 3:00 PM');
    expect(formatInZone(at, 'Europe/Berlin')).toBe('Sun, Mar 8, 8:00 PM GMT+1');
  });

  it('the chat asks its questions in the same words, without the zone', () => {
    expect(describeForQuestion(at.toISOString(), 'America/New_York')).toBe(
      formatInZone(at, 'America/New_York', { zoneName: false }),
    );
  });
});
