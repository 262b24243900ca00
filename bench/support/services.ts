import { execFileSync } from 'node:child_process';

/** Starts a service with its script (`scripts/postgres.sh start`) and returns the line of its output that starts with `prefix`. */
function startService(script: string, prefix: string): string {
  const out = execFileSync('bash', [script, 'start'], { encoding: 'utf8', timeout: 300_000 });
  const line = out
    .trim()
    .split('\n')
    .findLast((l) => l.startsWith(prefix));
  if (!line) throw new Error(`${script} printed no ${prefix}`);
  return line;
}

/**
 * The PostgreSQL server and Kafka brokers a benchmark runs against: TEST_DATABASE_URL and
 * KAFKA_BROKERS when set, else the ones scripts/postgres.sh and scripts/kafka.sh start (or find running).
 */
export function postgresAndKafka(): { pg: string; brokers: string } {
  const pg = process.env.TEST_DATABASE_URL ?? startService('scripts/postgres.sh', 'postgres://');
  const brokers =
    process.env.KAFKA_BROKERS ??
    startService('scripts/kafka.sh', 'KAFKA_BROKERS=').slice('KAFKA_BROKERS='.length);
  return { pg, brokers };
}
