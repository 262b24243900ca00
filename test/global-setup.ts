/**
 * Vitest global setup of the `server` project: the real services the tests run against.
 *
 * - PostgreSQL: unless TEST_DATABASE_URL is set, `scripts/postgres.sh start` (127.0.0.1:55432).
 * - Apache Kafka: unless KAFKA_BROKERS is set, `scripts/kafka.sh start` (127.0.0.1:9092).
 *
 * Both are set in process.env here, before Vitest forks its workers, which inherit them. A service
 * that cannot be started fails the run: tests that need it are never skipped silently. The services
 * keep running after the run so that the next one starts in seconds; stop them with
 * `scripts/postgres.sh stop` and `scripts/kafka.sh stop`.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

function run(script: string, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      'bash',
      [script, 'start'],
      { cwd: root, timeout: timeoutMs, maxBuffer: 1 << 20, env: process.env },
      (err, stdout, stderr) => {
        if (err) {
          reject(
            new Error(
              `${script} start failed (${err.killed ? `timed out after ${timeoutMs / 1000} s` : `exit ${err.code}`}):\n${stderr.trim()}`,
            ),
          );
        } else {
          resolve(stdout);
        }
      },
    );
  });
}

async function startPostgres(): Promise<void> {
  let out: string;
  try {
    out = await run('scripts/postgres.sh', 120_000);
  } catch (err) {
    throw new Error(
      `Tests need PostgreSQL and it could not be started. Fix the cause below, or set TEST_DATABASE_URL to a server of yours.\n${(err as Error).message}`,
    );
  }
  const url = out
    .trim()
    .split('\n')
    .findLast((l) => l.startsWith('postgres://'));
  if (!url) throw new Error(`scripts/postgres.sh printed no URL:\n${out}`);
  process.env.TEST_DATABASE_URL = url;
}

async function startKafka(): Promise<void> {
  let out: string;
  try {
    out = await run('scripts/kafka.sh', 300_000);
  } catch (err) {
    throw new Error(
      `Tests need Apache Kafka and it could not be started. Fix the cause below, or set KAFKA_BROKERS to a broker of yours.\n${(err as Error).message}`,
    );
  }
  const line = out
    .trim()
    .split('\n')
    .findLast((l) => l.startsWith('KAFKA_BROKERS='));
  if (!line) throw new Error(`scripts/kafka.sh printed no KAFKA_BROKERS:\n${out}`);
  process.env.KAFKA_BROKERS = line.slice('KAFKA_BROKERS='.length);
}

export default async function setup(): Promise<void> {
  const started: Promise<void>[] = [];
  if (!process.env.TEST_DATABASE_URL) started.push(startPostgres());
  if (!process.env.KAFKA_BROKERS) started.push(startKafka());
  const results = await Promise.allSettled(started);
  const failures = results.flatMap((r) => (r.status === 'rejected' ? [(r.reason as Error).message] : []));
  if (failures.length > 0) throw new Error(failures.join('\n\n'));
}
