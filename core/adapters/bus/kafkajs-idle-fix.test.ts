import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { transform } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { idleFixApplied, isFaultyCheck } from './kafkajs-idle-fix';

const shipped = readFileSync(
  createRequire(import.meta.url).resolve('kafkajs/src/network/requestQueue/index.js'),
  'utf8',
);

describe('the kafkajs idle-loop fix', () => {
  it('is applied to the kafkajs this process loads', () => {
    expect(idleFixApplied()).toBe(true);
  });

  it('recognises the faulty method as kafkajs ships it and as a minified bundle holds it', async () => {
    expect(isFaultyCheck(shipped)).toBe(true);
    const minified = (await transform(shipped, { minify: true, format: 'cjs' })).code;
    expect(minified).not.toContain('this.throttledUntil - Date.now()');
    expect(isFaultyCheck(minified)).toBe(true);
    expect(isFaultyCheck('scheduleCheckPendingRequests(){ this.check() }')).toBe(false);
  });
});
