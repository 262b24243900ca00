/**
 * One function as its own process: `FUNCTION=create-task BUS=kafka DATABASE_URL=… node …`.
 * What a Knative Service runs, and what the multi-process mode starts once per function.
 */
import { ConfigError, parseEnv, processEnvironment } from '../core/config/env';
import { StartError, startFunction } from './function-process';
import { withDaprSecrets } from './profiles/secrets';

function fail(message: string): never {
  console.error(message);
  process.exit(2);
}

try {
  const source = await withDaprSecrets(processEnvironment());
  await startFunction(parseEnv(source), undefined, source);
} catch (err) {
  if (err instanceof ConfigError || err instanceof StartError) fail(err.message);
  console.error('function failed to start:', err instanceof Error ? err.message : err);
  process.exit(1);
}
