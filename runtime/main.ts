import { ConfigError, parseEnv } from '../core/config/env';
import { createLogger } from '../core/observability/logger';
import { FUNCTIONS } from '../functions';
import { createHost } from './host';

/** `npm start`: the embedded runtime on 127.0.0.1:8080 with PGlite under DATA_DIR. */
async function main(): Promise<void> {
  let env: ReturnType<typeof parseEnv>;
  try {
    env = parseEnv();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(2);
    }
    throw err;
  }
  const log = createLogger({ level: env.LOG_LEVEL });
  const started = performance.now();
  const host = await createHost({ env, functions: FUNCTIONS, log });
  const { url } = await host.listen();
  log.info(
    {
      url,
      database: host.deps.database.kind,
      dataDir: env.DATABASE_URL ? undefined : env.DATA_DIR,
      bus: host.bus.kind,
      // From the process's start: loading the code, then opening the database and the host.
      loadedMs: Math.round(started),
      startupMs: Math.round(performance.now() - started),
    },
    `Taskwire is running at ${url}`,
  );
  if (host.deps.mailer.kind === 'none') {
    log.info('email reminders are off (set SMTP_URL or RESEND_API_KEY): reminders are shown in the app only');
  } else {
    log.info({ provider: host.deps.mailer.kind }, `email reminders go out through ${host.deps.mailer.kind}`);
  }
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down: draining requests and the outbox');
    const force = setTimeout(() => {
      log.error('shutdown took too long; exiting');
      process.exit(1);
    }, 25_000);
    force.unref();
    try {
      await host.stop();
      log.info('stopped cleanly');
      log.flush();
      process.exit(0);
    } catch (err) {
      log.error({ err }, 'error while stopping');
      process.exit(1);
    }
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((err) => {
  console.error('Taskwire failed to start:', err instanceof Error ? err.message : err);
  process.exit(1);
});
