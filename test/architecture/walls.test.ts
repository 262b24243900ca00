/**
 * The walls of the layout (README, Architecture) hold over every import of what ships, and each
 * of them fails when it is broken: a planted tree breaks every wall once and every check names the
 * breach. The walls themselves are in ./walls.ts.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { BUS_ADAPTERS, loadedAtRunTime, PARSER_ENTRIES, SourceTree, WALLS, type WallName } from './walls';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

describe('the walls of the layout hold', () => {
  const tree = new SourceTree(ROOT);

  it('reads the whole tree it guards', () => {
    expect(tree.sources('core/domain').length).toBeGreaterThan(3);
    expect(tree.sources('core/nlu').length).toBeGreaterThan(20);
    expect(tree.sources('functions').filter((f) => !f.startsWith('functions/_')).length).toBeGreaterThan(15);
    expect(tree.sources('runtime').length).toBeGreaterThan(5);
    expect(tree.sources('web').length).toBeGreaterThan(10);
    for (const adapter of BUS_ADAPTERS) expect(tree.sources('core/adapters/bus')).toContain(adapter);
    // The parser's run-time graph is followed to its packages (so a zod import would be seen).
    for (const entry of PARSER_ENTRIES)
      expect([...loadedAtRunTime(tree, entry).keys()]).toContain('chrono-node/en');
  });

  for (const [name, check] of Object.entries(WALLS)) {
    it(name, () => {
      expect(check(tree)).toEqual([]);
    });
  }
});

describe('every wall fails when it is broken', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'taskwire-walls-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const plant = (file: string, text: string) => {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), text);
  };
  const loop = (name: string) =>
    [
      `export async function ${name}(items: string[]) {`,
      '  for (const item of items) {',
      '    const started = Date.now();',
      '    try {',
      '      await handle(item);',
      "      metrics.inc('delivered');",
      '    } catch (err) {',
      "      log.warn({ err, item }, 'delivery failed');",
      '      await deadLetter(item, Date.now() - started);',
      '    }',
      '  }',
      '}',
    ].join('\n');

  // One breach per wall; the clean files around them are not reported.
  plant('core/domain/task.ts', "import { z } from 'zod';\nimport { readFileSync } from 'node:fs';\n");
  plant('core/domain/clean.ts', "import { Temporal } from 'temporal-polyfill';\nimport { z } from 'zod';\n");
  plant('core/chat/agent.ts', "import type { Deps } from '../../functions/_runtime/deps';\n");
  plant(
    'functions/alpha/index.ts',
    "import beta from '../beta';\nimport { tasks } from '../../core/db/schema';\n",
  );
  plant(
    'functions/beta/index.ts',
    "import { z } from 'zod';\nconst { env } = process;\nexport default env;\n",
  );
  plant('functions/_runtime/http-app.ts', "import '../../runtime/host';\n");
  plant('functions/index.ts', "import alpha from './alpha';\nimport beta from './beta';\n");
  plant('runtime/host.ts', "const port = process.env.PORT;\nimport alpha from '../functions/alpha';\n");
  plant('core/config/env.ts', 'export const env = process.env;\n');
  plant('web/src/app.tsx', "import { TaskView } from '../../core/domain/task';\nimport './styles.css';\n");
  plant('web/src/api/schema.gen.ts', 'export type Task = { id: string };\n');
  plant('web/src/api/types.ts', "export type * from './schema.gen';\n");
  plant('core/nlu/dates.ts', "import { phrase } from './date-phrases';\nexport const date = 1;\n");
  plant('core/nlu/date-phrases.ts', "import { date } from './dates';\nexport const phrase = 2;\n");
  plant(
    'core/nlu/parse.ts',
    "import type { ParseResultSchema } from './schema';\nimport { zonedNow } from './zoned';\n",
  );
  plant('core/nlu/schema.ts', "import { z } from 'zod';\n");
  plant('core/nlu/zoned.ts', "import { Temporal } from 'temporal-polyfill';\nimport { z } from 'zod';\n");
  plant('core/nlu/mentions.ts', "import { screenMessage } from './input/screen';\nscreenMessage(text);\n");
  plant('functions/chat/index.ts', "import { screenMessage } from '../../core/nlu';\nscreenMessage(body);\n");
  plant('core/events/define-event.ts', "import { inProducerSpan } from '../observability/tracing';\n");
  plant('core/stream/hub.ts', "import { serve } from '@hono/node-server';\n");
  plant('core/adapters/bus/memory.ts', `${loop('deliverInMemory')}\n`);
  plant('core/adapters/bus/kafka.ts', `${loop('deliverFromKafka')}\n`);
  plant('core/adapters/bus/knative.ts', 'export const knative = 1;\n');
  // Tests may cross the walls.
  plant('functions/alpha/alpha.test.ts', "import beta from '../beta';\nconst url = process.env.URL;\n");

  const planted = new SourceTree(root);
  const expected: Record<WallName, string[]> = {
    'the domain is pure: core/domain imports only itself, zod and Temporal': [
      'core/domain/task.ts → node:fs',
    ],
    'core/ never imports functions/, runtime/ or web/': [
      'core/chat/agent.ts → ../../functions/_runtime/deps',
    ],
    'a function never imports another function, core/db or runtime/': [
      'functions/alpha/index.ts → ../beta',
      'functions/alpha/index.ts → ../../core/db/schema',
    ],
    'the function toolkit (functions/_runtime, functions/_shared) never imports runtime/ or a function': [
      'functions/_runtime/http-app.ts → ../../runtime/host',
    ],
    'web/ imports nothing of the server (its API types are generated into web/src/api)': [
      'web/src/app.tsx → ../../core/domain/task',
    ],
    'only core/config reads process.env (in core/, functions/ and runtime/)': [
      'functions/beta/index.ts',
      'runtime/host.ts',
    ],
    'the offline parser and its CLI load no zod: nothing core/nlu/parse.ts or scripts/nlu.ts reaches at run time imports it':
      ['core/nlu/zoned.ts → zod'],
    'a chat message is screened once, at the edge: screenMessage is called only by the chat function, the agent (raw input) and core/nlu/input/screen.ts':
      ['core/nlu/mentions.ts'],
    'core/nlu has no import cycles': [
      'core/nlu/date-phrases.ts → core/nlu/dates.ts → core/nlu/date-phrases.ts',
    ],
    'core/ has no import cycles': ['core/nlu/date-phrases.ts → core/nlu/dates.ts → core/nlu/date-phrases.ts'],
    'creating or publishing an event opens no span: core/events imports no tracing': [
      'core/events/define-event.ts → ../observability/tracing',
    ],
    'core/stream has no transport: no HTTP server (the SSE transport lives in runtime/)': [
      'core/stream/hub.ts → @hono/node-server',
    ],
    'no run of six or more lines is shared between two bus adapters': [
      'core/adapters/bus/memory.ts:2-9 ~ core/adapters/bus/kafka.ts:2-9',
    ],
  };

  for (const [name, check] of Object.entries(WALLS)) {
    it(`${name}: the planted breach is named`, () => {
      expect(check(planted)).toEqual(expected[name as WallName]);
    });
  }
});
