/**
 * The Dapr mode on one machine (`npm run start:dapr`): every function as its own process with a real
 * Dapr sidecar (daprd, built by scripts/daprd.sh) beside it, and the gateway on PORT. What
 * `dapr run -f dapr/dapr.yaml` does with the Dapr CLI, without the CLI: events go through the
 * sidecars' pub/sub, conversations through their state store, ticks come from cron bindings, and
 * secrets (DATABASE_URL) from their secret store.
 *
 *   npm run start:dapr -- [--only create-task,audit-sink] [--replicas task-stream=2]
 *                         [--resources-path DIR]... [--state-file run.json] [--log-format pretty|json]
 *
 * Resources: the generated dapr/local, dapr/bindings and dapr/policies (as dapr/dapr.yaml lists them:
 * Kafka on localhost:9092, PostgreSQL from the secret TASKWIRE_DATABASE_URL of the local env secret
 * store, cron bindings, Resiliency), or the directories given with --resources-path.
 *
 * Environment: DAPRD (the daprd binary; default: the last line of scripts/daprd.sh, which builds it
 * once), KAFKA_BROKERS (when set, the topics are created first: daprd does not create them),
 * KAFKA_PARTITIONS, DAPR_TOPIC_PREFIX, PORT (8080), HOST (127.0.0.1), and everything the functions
 * and the sidecars read (DAPR_SECRET_STORE, DAPR_SECRETS, APP_API_TOKEN, DAPR_API_TOKEN, ...), passed
 * on to every process. With the default resources, DAPR_SECRET_STORE and DAPR_SECRETS default to the
 * values of dapr/dapr.yaml.
 *
 * Unlike `npm run start:kafka` this launcher does not restart what dies: it reports it (the state
 * file says `exited`) and keeps the rest running. Ctrl-C (SIGTERM) stops the functions, then the
 * sidecars.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DEAD_LETTER_TOPIC, TOPICS } from '../core/events/define-event';
import { FUNCTIONS } from '../functions';
import type { TaskwireFunction } from '../functions/_runtime/define-function';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const FUNCTION_ENTRY = 'runtime/function-main.ts';
const GATEWAY_ENTRY = 'runtime/gateway-main.ts';
const DEFAULT_RESOURCES = ['dapr/local', 'dapr/bindings', 'dapr/policies'];
/** The secret store and mapping dapr/dapr.yaml gives every app. */
const DEFAULT_SECRETS = {
  DAPR_SECRET_STORE: 'taskwire-secrets',
  DAPR_SECRETS: 'DATABASE_URL=TASKWIRE_DATABASE_URL',
};
/**
 * The sidecars' Configuration. Name resolution: daprd always starts a resolver, and its standalone
 * default (mDNS) announces every app by multicast on every network interface. Taskwire makes no
 * service-invocation calls, so the resolver is never asked; the kubernetes one does nothing at
 * start-up, keeping the sidecars' traffic on loopback.
 */
const SIDECAR_CONFIG = `apiVersion: dapr.io/v1alpha1
kind: Configuration
metadata:
  name: taskwire-local
spec:
  nameResolution:
    component: kubernetes
`;
const READY_TIMEOUT_MS = 180_000;
const STOP_TIMEOUT_MS = 20_000;

class UsageError extends Error {}

interface Options {
  daprd: string;
  resources: string[];
  /** The generated dapr/ resources (not --resources-path): their secret store and mapping apply. */
  defaultResources: boolean;
  only: string[] | undefined;
  replicas: Map<string, number>;
  stateFile: string | undefined;
  json: boolean;
  port: number;
  host: string;
}

function readOptions(argv: string[], env: NodeJS.ProcessEnv): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      only: { type: 'string' },
      replicas: { type: 'string', multiple: true },
      'resources-path': { type: 'string', multiple: true },
      'state-file': { type: 'string' },
      'log-format': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    console.log(
      'usage: npm run start:dapr -- [--only id,id] [--replicas task-stream=2] [--resources-path DIR]... [--state-file run.json] [--log-format pretty|json]',
    );
    process.exit(0);
  }
  const only = values.only
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const id of only ?? []) {
    if (!FUNCTIONS.some((f) => f.id === id)) throw new UsageError(`--only: no function ${id}`);
  }
  const replicas = new Map<string, number>();
  for (const item of (values.replicas ?? []).flatMap((v) => v.split(','))) {
    const m = /^\s*([a-z][a-z0-9-]*)\s*=\s*(\d+)\s*$/.exec(item);
    if (!m || !FUNCTIONS.some((f) => f.id === m[1]) || Number(m[2]) < 1 || Number(m[2]) > 8) {
      throw new UsageError(`--replicas takes function=count (1-8), e.g. task-stream=2 (got "${item}")`);
    }
    replicas.set(m[1]!, Number(m[2]));
  }
  const format = values['log-format'] ?? 'pretty';
  if (format !== 'pretty' && format !== 'json') throw new UsageError('--log-format is pretty or json');
  return {
    daprd: env.DAPRD?.trim() || buildDaprd(),
    resources: (values['resources-path'] ?? DEFAULT_RESOURCES).map((p) => path.resolve(ROOT, p)),
    defaultResources: values['resources-path'] === undefined,
    only,
    replicas,
    stateFile: values['state-file'],
    json: format === 'json',
    port: Number(env.PORT ?? 8080),
    host: env.HOST ?? '127.0.0.1',
  };
}

/** scripts/daprd.sh builds daprd once (minutes) and then only prints where it is. */
function buildDaprd(): string {
  const out = execFileSync('bash', [path.join(ROOT, 'scripts/daprd.sh')], {
    stdio: ['ignore', 'pipe', 'inherit'],
    encoding: 'utf8',
  });
  const bin = out.trim().split('\n').at(-1);
  if (!bin) throw new UsageError('scripts/daprd.sh printed no path');
  return bin;
}

// ---------------------------------------------------------------- ports

const taken = new Set<number>();

function bindable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

/**
 * A free loopback port below the ephemeral range (32768+ on Linux): the sidecars bind theirs
 * seconds after they are picked, and a port the OS hands out for outgoing connections (dozens of
 * Kafka and PostgreSQL clients start meanwhile) could be gone by then.
 */
async function listenPort(): Promise<number> {
  for (;;) {
    const port = 10_000 + Math.floor(Math.random() * 20_000);
    if (taken.has(port)) continue;
    taken.add(port);
    if (await bindable(port)) return port;
  }
}

// ---------------------------------------------------------------- logs

let json = false;

function emit(name: string, line: string): void {
  if (!line.trim()) return;
  if (json) {
    process.stdout.write(
      line.startsWith('{')
        ? `{"process":${JSON.stringify(name)},${line.slice(1)}\n`
        : `${JSON.stringify({ process: name, level: 'info', message: line })}\n`,
    );
  } else {
    process.stdout.write(`${name.padEnd(22)} ${line}\n`);
  }
}

function say(level: 'info' | 'warn' | 'error', message: string, fields: Record<string, unknown> = {}): void {
  emit('launcher', JSON.stringify({ time: new Date().toISOString(), level, message, ...fields }));
}

// ---------------------------------------------------------------- processes

interface Proc {
  name: string;
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  child?: ChildProcess;
  status: 'starting' | 'ready' | 'exited' | 'stopped';
}

interface Replica {
  fn: TaskwireFunction;
  replica: number;
  /** `task-stream#2`. */
  name: string;
  appPort: number;
  daprHttpPort: number;
  metricsPort: number;
  app: Proc;
  sidecar: Proc;
}

class Launcher {
  readonly replicas: Replica[] = [];
  gateway: Proc | undefined;
  #configDir: string | undefined;
  #stopping = false;

  constructor(readonly options: Options) {}

  async plan(): Promise<void> {
    const { options } = this;
    const baseEnv: NodeJS.ProcessEnv = { ...process.env };
    if (options.defaultResources) {
      baseEnv.DAPR_SECRET_STORE ??= DEFAULT_SECRETS.DAPR_SECRET_STORE;
      baseEnv.DAPR_SECRETS ??= DEFAULT_SECRETS.DAPR_SECRETS;
    }
    this.#configDir = mkdtempSync(path.join(tmpdir(), 'taskwire-dapr-'));
    const config = path.join(this.#configDir, 'config.yaml');
    writeFileSync(config, SIDECAR_CONFIG);
    const fns = FUNCTIONS.filter((f) => !options.only || options.only.includes(f.id));
    for (const fn of fns) {
      const count = options.replicas.get(fn.id) ?? 1;
      for (let replica = 1; replica <= count; replica++) {
        const name = count > 1 ? `${fn.id}#${replica}` : fn.id;
        const [appPort, daprHttpPort, grpcPort, internalPort, metricsPort] = [
          await listenPort(),
          await listenPort(),
          await listenPort(),
          await listenPort(),
          await listenPort(),
        ];
        const app: Proc = {
          name,
          command: process.execPath,
          args: ['--import', 'tsx', FUNCTION_ENTRY],
          env: {
            ...baseEnv,
            BUS: 'dapr',
            TICKS: 'external',
            FUNCTION: fn.id,
            HOST: '127.0.0.1',
            PORT: String(appPort),
            DAPR_HTTP_PORT: String(daprHttpPort),
            SERVE_WEB: 'false',
          },
          status: 'starting',
        };
        const sidecar: Proc = {
          name: `${name}.daprd`,
          command: options.daprd,
          args: [
            '--app-id',
            fn.id,
            '--app-port',
            String(appPort),
            '--app-protocol',
            'http',
            '--app-channel-address',
            '127.0.0.1',
            '--dapr-http-port',
            String(daprHttpPort!),
            '--dapr-grpc-port',
            String(grpcPort!),
            '--dapr-internal-grpc-port',
            String(internalPort!),
            '--dapr-listen-addresses',
            '127.0.0.1',
            '--dapr-internal-grpc-listen-address',
            '127.0.0.1',
            '--metrics-port',
            String(metricsPort!),
            '--metrics-listen-address',
            '127.0.0.1',
            '--config',
            config,
            '--log-as-json',
            '--dapr-graceful-shutdown-seconds',
            '5',
            ...options.resources.flatMap((dir) => ['--resources-path', dir]),
          ],
          env: baseEnv,
          status: 'starting',
        };
        this.replicas.push({
          fn,
          replica,
          name,
          appPort: appPort!,
          daprHttpPort: daprHttpPort!,
          metricsPort: metricsPort!,
          app,
          sidecar,
        });
      }
    }
    const upstreams = fns
      .filter((fn) => fn.routes.length > 0)
      .map(
        (fn) =>
          `${fn.id}=${this.replicas
            .filter((r) => r.fn === fn)
            .map((r) => `http://127.0.0.1:${r.appPort}`)
            .join('|')}`,
      )
      .join(',');
    this.gateway = {
      name: 'gateway',
      command: process.execPath,
      args: ['--import', 'tsx', GATEWAY_ENTRY],
      env: {
        ...baseEnv,
        PORT: String(options.port),
        HOST: options.host,
        GATEWAY_UPSTREAMS: upstreams,
        // Routes of functions left out by --only answer 502 from a template that leads nowhere.
        GATEWAY_UPSTREAM: 'http://127.0.0.1:9/{id}',
      },
      status: 'starting',
    };
  }

  /** daprd does not create topics, and a broker may not create them on first use. */
  async createTopics(): Promise<void> {
    const brokers = (process.env.KAFKA_BROKERS ?? '')
      .split(',')
      .map((b) => b.trim())
      .filter(Boolean);
    if (brokers.length === 0) return;
    const { Kafka, logLevel } = await import('kafkajs');
    const admin = new Kafka({ brokers, clientId: 'taskwire-start-dapr', logLevel: logLevel.NOTHING }).admin();
    const prefix = process.env.DAPR_TOPIC_PREFIX ?? '';
    const wanted = [...TOPICS, DEAD_LETTER_TOPIC].map((t) => `${prefix}${t}`);
    try {
      await admin.connect();
      const existing = new Set(await admin.listTopics());
      const missing = wanted.filter((t) => !existing.has(t));
      if (missing.length > 0) {
        await admin.createTopics({
          waitForLeaders: true,
          topics: missing.map((topic) => ({
            topic,
            numPartitions: Number(process.env.KAFKA_PARTITIONS ?? 3),
            replicationFactor: -1,
          })),
        });
        say('info', `created topics ${missing.join(', ')}`);
      }
    } catch (err) {
      throw new UsageError(
        `cannot create the topics on Kafka at ${brokers.join(',')}: ${(err as Error).message}`,
      );
    } finally {
      await admin.disconnect().catch(() => {});
    }
  }

  spawn(p: Proc): void {
    const child = spawn(p.command, p.args, { cwd: ROOT, env: p.env, stdio: ['ignore', 'pipe', 'pipe'] });
    p.child = child;
    p.status = 'starting';
    createInterface({ input: child.stdout! }).on('line', (line) => emit(p.name, line));
    createInterface({ input: child.stderr! }).on('line', (line) => emit(p.name, line));
    child.on('error', (err) => say('error', `${p.name}: ${err.message}`));
    child.on('exit', (code, signal) => {
      if (this.#stopping) {
        p.status = 'stopped';
      } else {
        p.status = 'exited';
        say('error', `${p.name} ${signal ? `was killed by ${signal}` : `exited with code ${code}`}`);
      }
      this.writeState();
    });
  }

  async waitReady(p: Proc, url: string, deadline: number): Promise<void> {
    while (Date.now() < deadline) {
      if (this.#stopping || p.status === 'exited') throw new Error(`${p.name} stopped`);
      try {
        const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
        await res.body?.cancel();
        if (res.status >= 200 && res.status < 300) {
          p.status = 'ready';
          this.writeState();
          return;
        }
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`${p.name} not ready within ${READY_TIMEOUT_MS / 1000} s`);
  }

  async run(): Promise<void> {
    const t0 = performance.now();
    await this.plan();
    await this.createTopics();
    say('info', `starting ${this.replicas.length} functions, each with a daprd sidecar, and the gateway`, {
      daprd: this.options.daprd,
      resources: this.options.resources,
    });
    for (const r of this.replicas) {
      this.spawn(r.sidecar);
      this.spawn(r.app);
    }
    this.spawn(this.gateway!);
    const deadline = Date.now() + READY_TIMEOUT_MS;
    const waits = [
      ...this.replicas.flatMap((r) => [
        // The app's /ready checks the database, the bus and its sidecar; the sidecar's healthz is
        // 204 once its components are loaded and it reached the app.
        this.waitReady(r.app, `http://127.0.0.1:${r.appPort}/ready`, deadline),
        this.waitReady(r.sidecar, `http://127.0.0.1:${r.daprHttpPort}/v1.0/healthz`, deadline),
      ]),
      this.waitReady(this.gateway!, `http://127.0.0.1:${this.options.port}/health`, deadline),
    ];
    const results = await Promise.allSettled(waits);
    if (this.#stopping) return;
    const failed = results.flatMap((r) => (r.status === 'rejected' ? [(r.reason as Error).message] : []));
    if (failed.length > 0) {
      say('error', `not ready: ${failed.join('; ')}`);
      await this.stop('start-up failed', 1);
      return;
    }
    say('info', `Taskwire (Dapr mode) is running at http://${this.options.host}:${this.options.port}`, {
      processes: this.replicas.length * 2 + 1,
      startupMs: Math.round(performance.now() - t0),
    });
  }

  writeState(): void {
    const file = this.options.stateFile;
    if (!file) return;
    const state = {
      launcher: process.pid,
      url: `http://${this.options.host}:${this.options.port}`,
      stopping: this.#stopping,
      gateway: { pid: this.gateway?.child?.pid ?? null, status: this.gateway?.status },
      processes: this.replicas.map((r) => ({
        name: r.name,
        function: r.fn.id,
        replica: r.replica,
        pid: r.app.child?.pid ?? null,
        url: `http://127.0.0.1:${r.appPort}`,
        status: r.app.status,
        sidecar: {
          pid: r.sidecar.child?.pid ?? null,
          url: `http://127.0.0.1:${r.daprHttpPort}`,
          metrics: `http://127.0.0.1:${r.metricsPort}/metrics`,
          status: r.sidecar.status,
        },
      })),
    };
    const tmp = `${file}.tmp`;
    writeFileSync(tmp, `${JSON.stringify(state, null, 2)}\n`);
    renameSync(tmp, file);
  }

  /** The gateway, then the functions (their outbox relays drain through the sidecars), then the sidecars. */
  async stop(reason: string, exitCode = 0): Promise<void> {
    if (this.#stopping) return;
    this.#stopping = true;
    say('info', `stopping (${reason})`);
    this.writeState();
    const terminate = async (ps: Proc[]) => {
      const running = ps.filter((p) => p.child && p.child.exitCode === null && p.child.signalCode === null);
      const gone = running.map((p) => new Promise<void>((resolve) => p.child!.once('exit', () => resolve())));
      for (const p of running) p.child!.kill('SIGTERM');
      const timer = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), STOP_TIMEOUT_MS).unref());
      if ((await Promise.race([Promise.all(gone), timer])) === 'timeout') {
        for (const p of running) if (p.child!.exitCode === null) p.child!.kill('SIGKILL');
        await Promise.all(gone);
      }
    };
    if (this.gateway) await terminate([this.gateway]);
    await terminate(this.replicas.map((r) => r.app));
    await terminate(this.replicas.map((r) => r.sidecar));
    if (this.options.stateFile) rmSync(this.options.stateFile, { force: true });
    if (this.#configDir) rmSync(this.#configDir, { recursive: true, force: true });
    say('info', 'stopped');
    process.stdout.write('', () => process.exit(exitCode));
  }
}

async function main(): Promise<void> {
  let options: Options;
  try {
    options = readOptions(process.argv.slice(2), process.env);
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(err.message);
      process.exit(2);
    }
    throw err;
  }
  json = options.json;
  const launcher = new Launcher(options);
  process.on('SIGTERM', () => void launcher.stop('SIGTERM'));
  process.on('SIGINT', () => void launcher.stop('SIGINT'));
  try {
    await launcher.run();
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(err.message);
      await launcher.stop('start-up failed', 2);
      return;
    }
    throw err;
  }
}

main().catch((err) => {
  console.error('start-dapr failed:', err instanceof Error ? (err.stack ?? err.message) : err);
  process.exit(1);
});
