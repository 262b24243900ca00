import { describe, expect, it } from 'vitest';
import {
  formatDayAndTime,
  formatMinutes,
  instantToWallClock,
  localDayNumber,
  relativeDue,
  relativePast,
  wallClockToInstant,
} from './time';

const BERLIN = 'Europe/Berlin';
// Wednesday 2030-01-02, 10:00 in Berlin (09:00 UTC).
const now = new Date('2030-01-02T09:00:00Z');
const at = (iso: string) => new Date(iso);

describe('relativeDue', () => {
  it.each([
    ['2030-01-02T09:25:00Z', 'in 25 min'],
    ['2030-01-02T11:00:00Z', 'in 2 h'],
    ['2030-01-02T20:00:00Z', 'today 21:00'],
    ['2030-01-03T16:00:00Z', 'tomorrow 17:00'],
    ['2030-01-04T16:00:00Z', 'Fri 17:00'],
    ['2030-02-14T08:30:00Z', 'Feb 14, 09:30'],
    ['2031-03-01T08:00:00Z', 'Mar 1, 2031, 09:00'],
    ['2030-01-02T09:00:20Z', 'due now'],
  ])('labels %s as "%s"', (due, label) => {
    expect(relativeDue(at(due), now, BERLIN)).toEqual({ text: label, overdue: false });
  });

  it.each([
    ['2030-01-02T08:50:00Z', 'overdue by 10 min'],
    ['2030-01-02T06:00:00Z', 'overdue by 3 h'],
    ['2030-01-01T08:00:00Z', 'overdue by 1 day'],
    ['2029-12-28T09:00:00Z', 'overdue by 5 days'],
  ])('labels the past due %s as "%s"', (due, label) => {
    expect(relativeDue(at(due), now, BERLIN)).toEqual({ text: label, overdue: true });
  });

  it('reads "tomorrow" on the calendar of the given zone', () => {
    // 23:30 UTC on Jan 2 is already Jan 3 in Berlin but still Jan 2 in New York.
    const late = at('2030-01-02T23:30:00Z');
    expect(relativeDue(late, now, BERLIN).text).toBe('tomorrow 00:30');
    expect(relativeDue(late, now, 'America/New_York').text).toBe('today 18:30');
  });
});

describe('wall clock and instants', () => {
  it('reads a wall-clock time in the zone, across daylight saving', () => {
    expect(wallClockToInstant('2030-01-02T17:00', BERLIN)?.toISOString()).toBe('2030-01-02T16:00:00.000Z');
    expect(wallClockToInstant('2030-07-02T17:00', BERLIN)?.toISOString()).toBe('2030-07-02T15:00:00.000Z');
    expect(wallClockToInstant('2030-03-31T03:30', BERLIN)?.toISOString()).toBe('2030-03-31T01:30:00.000Z');
    expect(wallClockToInstant('2030-01-02', 'Asia/Kolkata')?.toISOString()).toBe('2030-01-01T18:30:00.000Z');
    expect(wallClockToInstant('not a date', BERLIN)).toBeNull();
  });

  it('round-trips through the datetime-local format', () => {
    expect(instantToWallClock('2030-07-02T15:00:00Z', BERLIN)).toBe('2030-07-02T17:00');
    expect(instantToWallClock('2030-01-02T16:00:00Z', 'America/Los_Angeles')).toBe('2030-01-02T08:00');
  });

  it('numbers local days so equal means the same calendar day', () => {
    expect(localDayNumber(at('2030-01-02T22:59:00Z'), BERLIN)).toBe(localDayNumber(now, BERLIN));
    expect(localDayNumber(at('2030-01-02T23:00:00Z'), BERLIN)).toBe(localDayNumber(now, BERLIN) + 1);
  });
});

describe('other labels', () => {
  it('formats past moments', () => {
    expect(relativePast(at('2030-01-02T08:59:40Z'), now, BERLIN)).toBe('just now');
    expect(relativePast(at('2030-01-02T08:15:00Z'), now, BERLIN)).toBe('45 min ago');
    expect(relativePast(at('2030-01-02T06:00:00Z'), now, BERLIN)).toBe('3 h ago');
    expect(relativePast(at('2030-01-01T12:00:00Z'), now, BERLIN)).toBe('yesterday 13:00');
    expect(relativePast(at('2029-12-30T12:00:00Z'), now, BERLIN)).toBe('3 days ago');
  });

  it('formats a day and time', () => {
    expect(formatDayAndTime(at('2030-01-01T16:00:00Z'), now, BERLIN)).toBe('yesterday 17:00');
  });

  it('formats reminder offsets', () => {
    expect(formatMinutes(0)).toBe('at due time');
    expect(formatMinutes(15)).toBe('15 min');
    expect(formatMinutes(90)).toBe('1 h 30 min');
    expect(formatMinutes(2880)).toBe('2 days');
  });
});
