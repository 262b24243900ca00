import { describe, expect, it } from 'vitest';
import { dateContext } from '../nlu/parse';
import { TIME_ZONES, TimeZone } from './time';
import { canonicalTimeZone, isKnownTimeZone } from './time-zone';

describe('the one time-zone check', () => {
  it('knows every zone the API accepts, and resolves aliases to their canonical name', () => {
    expect(TIME_ZONES.every(isKnownTimeZone)).toBe(true);
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
