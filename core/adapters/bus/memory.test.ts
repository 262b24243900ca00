import { createLogger } from '../../observability/logger';
import { runBusContract } from './contract';
import { MemoryBus } from './memory';

runBusContract(
  'memory',
  ({ deadLetters }) => new MemoryBus({ deadLetters, log: createLogger({ level: 'silent' }) }),
  { capabilities: { durable: false, distributed: false, batching: true } },
);
