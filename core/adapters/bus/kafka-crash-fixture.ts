/**
 * A consumer process for kafka.test.ts's crash test: subscribes `CONSUMER` in namespace `NS`,
 * acknowledges events until it meets one whose sequence is `HANG_AT`, reports it on stdout and
 * hangs in that delivery until it is killed. Run: node --import tsx core/adapters/bus/kafka-crash-fixture.ts
 */
import { TaskUpdated } from '../../events/catalog';
import { createLogger } from '../../observability/logger';
import { KafkaBus, parseBrokers } from './kafka';

const env = (name: string): string => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is required`);
  return v;
};

const ns = env('NS');
const hangAt = Number(env('HANG_AT'));
const bus = new KafkaBus({
  brokers: parseBrokers(env('KAFKA_BROKERS')),
  clientId: 'crash-fixture',
  topicPrefix: `${ns}.`,
  groupPrefix: `${ns}.`,
  sessionTimeoutMs: 6000,
  deadLetters: { record: async () => {} },
  log: createLogger({ level: 'silent' }),
});
bus.subscribe({
  consumer: env('CONSUMER'),
  types: [TaskUpdated.type],
  delivery: { retry: 3, backoffPolicy: 'linear', backoffDelayMs: 10 },
  deliver: async (event) => {
    if (event.sequence === hangAt) {
      process.stdout.write(`hanging ${event.id}\n`);
      await new Promise(() => {});
    }
    process.stdout.write(`acked ${event.id}\n`);
    return { status: 200 };
  },
});
await bus.start();
process.stdout.write('ready\n');
