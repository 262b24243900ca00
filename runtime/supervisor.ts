/**
 * The multi-process mode (`npm run start:kafka`): every function of FUNCTIONS as its own process
 * (runtime/function-main.ts on a loopback port of its own) and the gateway on PORT that
 * routes each declared route to the function owning it and serves the web app, all against a real
 * Kafka (KAFKA_BROKERS) and PostgreSQL (DATABASE_URL). A supervisor: readable logs prefixed with
 * the process name, restarts with backoff when a process dies, graceful stop on SIGTERM/SIGINT.
 *
 *   npm run start:kafka -- [--replicas task-stream=2] [--only create-task,audit-sink]
 *                          [--state-file run.json] [--log-format pretty|json]
 *                          [--node-args="--cpu-prof --cpu-prof-dir=prof"]
 *
 * Environment: KAFKA_BROKERS and DATABASE_URL (required), PORT (8080), HOST (127.0.0.1),
 * FUNCTION_BASE_PORT (functions on BASE, BASE+1, ...; default: free ports), REPLICAS
 * (`task-stream=2,audit-sink=2`, like --replicas), LOG_FORMAT, MULTI_STATE_FILE, and everything the
 * functions read (KAFKA_*, OTEL_*, AUTH_TOKEN, SMTP_URL, ...), passed on to every process.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  ConfigError,
  type Env,
  type Environment,
  parseEnv,
  parseSupervisorEnv,
  processEnvironment,
} from '../core/config/env';
import { FUNCTIONS } from '../functions';
import type { TaskwireFunction } from '../functions/_runtime/define-function';
import { BindError, type BoundSocket, bindSocket, offerSocket } from './bound-socket';

const HERE = path.dirname(fileURLToPath(import.meta.url));

/** The repository: the nearest directory up from here whose package.json is Taskwire's. */
function findRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    try {
      if (
        (JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: string }).name ===
        'taskwire'
      )
        return dir;
    } catch {
      // no package.json here
    }
    if (path.dirname(dir) === dir) return process.cwd();
  }
}

const ROOT = findRoot(HERE);
/**
 * Run from its bundle (`dist/multi/supervisor.mjs`, what `npm run start:kafka` runs), the supervisor
 * starts the function bundles beside it; run from source (through tsx), it starts the sources.
 */
const BUNDLED =
  import.meta.url.endsWith('.mjs') && existsSync(path.join(HERE, 'functions', 'gateway', 'index.mjs'));

/** Node's arguments for a process running `id` (a function, or `gateway`). */
function commandOf(id: string): string[] {
  if (BUNDLED) return [path.join(HERE, 'functions', id, 'index.mjs')];
  return [
    '--import',
    'tsx',
    path.join(ROOT, 'runtime', id === 'gateway' ? 'gateway-main.ts' : 'function-main.ts'),
  ];
}
/** Exit code of a process that refuses its configuration: restarting it cannot help. */
const CONFIG_EXIT = 2;
const MAX_BACKOFF_MS = 30_000;
/** A process that ran this long before dying starts again after the shortest backoff. */
const STABLE_AFTER_MS = 60_000;
const STOP_TIMEOUT_MS = 30_000;

// ---------------------------------------------------------------- configuration

interface Options {
  env: Env;
  replicas: Map<string, number>;
  only: string[] | undefined;
  stateFile: string | undefined;
  logFormat: 'pretty' | 'json';
  basePort: number;
  /** Extra arguments of every process's node (profiling: `--cpu-prof`, which NODE_OPTIONS refuses). */
  nodeArgs: string[];
}

class UsageError extends Error {}

function parseReplicas(values: string[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const value of values.flatMap((v) => v.split(','))) {
    const m = /^\s*([a-z][a-z0-9-]*)\s*=\s*(\d+)\s*$/.exec(value);
    if (!m) throw new UsageError(`--replicas takes id=count, e.g. task-stream=2 (got "${value}")`);
    const [, id, count] = m;
    if (!FUNCTIONS.some((f) => f.id === id)) throw new UsageError(`--replicas: no function ${id}`);
    const n = Number(count);
    if (n < 1 || n > 16) throw new UsageError(`--replicas ${id}: between 1 and 16 (got ${n})`);
    out.set(id!, n);
  }
  return out;
}

function readOptions(argv: string[], source: Environment): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      replicas: { type: 'string', multiple: true },
      only: { type: 'string' },
      'state-file': { type: 'string' },
      'log-format': { type: 'string' },
      'node-args': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    console.log(
      [
        'usage: npm run start:kafka -- [--replicas task-stream=2] [--only id,id] [--state-file run.json] [--log-format pretty|json] [--node-args="--cpu-prof"]',
        '',
        'Starts every function as its own process and the gateway on PORT (8080), against KAFKA_BROKERS and DATABASE_URL.',
        '  scripts/kafka.sh start       a local Kafka on 127.0.0.1:9092',
        '  scripts/postgres.sh start    a local PostgreSQL (prints its URL)',
      ].join('\n'),
    );
    process.exit(0);
  }
  const missing: string[] = [];
  if (!source.KAFKA_BROKERS?.trim()) {
    missing.push(
      'KAFKA_BROKERS is not set: start a local Kafka with `scripts/kafka.sh start` (it prints KAFKA_BROKERS=127.0.0.1:9092), or point it at your Kafka or Redpanda (host:port,host:port)',
    );
  }
  if (!source.DATABASE_URL?.trim()) {
    missing.push(
      'DATABASE_URL is not set: start a local PostgreSQL with `scripts/postgres.sh start` (it prints the URL), or point it at yours (postgres://user:pass@host:5432/db)',
    );
  }
  if (missing.length > 0) throw new UsageError(missing.join('\n'));
  const only = values.only
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const id of only ?? []) {
    if (!FUNCTIONS.some((f) => f.id === id)) throw new UsageError(`--only: no function ${id}`);
  }
  const own = parseSupervisorEnv(source);
  const logFormat = values['log-format'] ?? own.LOG_FORMAT ?? 'pretty';
  if (logFormat !== 'pretty' && logFormat !== 'json') throw new UsageError('--log-format is pretty or json');
  const basePort = own.FUNCTION_BASE_PORT;
  // The functions' own configuration, checked once here instead of failing in twenty processes.
  const env = parseEnv({ ...source, BUS: 'kafka' });
  return {
    env,
    replicas: parseReplicas([...(own.REPLICAS ? [own.REPLICAS] : []), ...(values.replicas ?? [])]),
    only,
    stateFile: values['state-file'] ?? own.MULTI_STATE_FILE,
    logFormat,
    basePort,
    nodeArgs: (values['node-args'] ?? '').split(/\s+/).filter(Boolean),
  };
}

// ---------------------------------------------------------------- logs

const useColor = process.stdout.isTTY && !processEnvironment().NO_COLOR;
const paint = (code: number, s: string) => (useColor ? `\u001b[${code}m${s}\u001b[0m` : s);
const PALETTE = [36, 32, 33, 35, 34, 96, 92, 93, 95, 94];
const LEVELS: Record<string, { label: string; color: number }> = {
  trace: { label: 'TRACE', color: 90 },
  debug: { label: 'DEBUG', color: 90 },
  info: { label: 'INFO ', color: 32 },
  warn: { label: 'WARN ', color: 33 },
  error: { label: 'ERROR', color: 31 },
  fatal: { label: 'FATAL', color: 41 },
};
const NUMERIC_LEVELS: Record<number, string> = {
  10: 'trace',
  20: 'debug',
  30: 'info',
  40: 'warn',
  50: 'error',
  60: 'fatal',
};
/** Fields every line has, or that the prefix already says. */
const QUIET_FIELDS = new Set(['time', 'level', 'message', 'msg', 'name', 'pid', 'hostname', 'fn']);
let nameWidth = 12;

function clock(time: unknown): string {
  const d = typeof time === 'string' || typeof time === 'number' ? new Date(time) : new Date();
  return Number.isNaN(d.getTime()) ? new Date().toISOString().slice(11, 23) : d.toISOString().slice(11, 23);
}

function fieldValue(v: unknown): string {
  if (typeof v === 'string') return /[\s"=]/.test(v) ? JSON.stringify(v) : v;
  return JSON.stringify(v);
}

/** One log line of a process, as a person reads it: time, level, process, message, other fields. */
function prettyLine(name: string, color: number, line: string): string {
  const prefix = paint(color, name.padEnd(nameWidth));
  let entry: Record<string, unknown>;
  try {
    const parsed = JSON.parse(line) as unknown;
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an entry');
    entry = parsed as Record<string, unknown>;
  } catch {
    return `${clock(undefined)} ${'     '} ${prefix} ${line}`;
  }
  const levelName =
    typeof entry.level === 'number' ? (NUMERIC_LEVELS[entry.level] ?? 'info') : String(entry.level ?? 'info');
  const level = LEVELS[levelName] ?? LEVELS.info!;
  const message = String(entry.message ?? entry.msg ?? '');
  const err = entry.err as { message?: string; stack?: string } | undefined;
  const fields = Object.entries(entry)
    .filter(([k]) => !QUIET_FIELDS.has(k) && k !== 'err')
    .map(([k, v]) => `${paint(90, `${k}=`)}${fieldValue(v)}`)
    .join(' ');
  let out = `${paint(90, clock(entry.time))} ${paint(level.color, level.label)} ${prefix} ${message}${fields ? ` ${fields}` : ''}`;
  if (err) out += `\n${paint(31, (err.stack ?? err.message ?? JSON.stringify(err)).replace(/^/gm, '    '))}`;
  return out;
}

function makeLogger(format: 'pretty' | 'json') {
  return (name: string, color: number, line: string) => {
    if (!line.trim()) return;
    if (format === 'json') {
      process.stdout.write(
        line.startsWith('{')
          ? `{"process":${JSON.stringify(name)},${line.slice(1)}\n`
          : `${JSON.stringify({ process: name, level: 'info', message: line })}\n`,
      );
    } else {
      process.stdout.write(`${prettyLine(name, color, line)}\n`);
    }
  };
}

let emit: (name: string, color: number, line: string) => void = makeLogger('pretty');

function say(level: 'info' | 'warn' | 'error', message: string, fields: Record<string, unknown> = {}): void {
  emit(
    'supervisor',
    97,
    JSON.stringify({ time: new Date().toISOString(), level, message, pid: process.pid, ...fields }),
  );
}

// ---------------------------------------------------------------- processes

interface Proc {
  /** `create-task`, `task-stream#2`, `gateway`. */
  name: string;
  fn: TaskwireFunction | undefined;
  replica: number;
  /** Bound by the supervisor for the life of the supervisor; every (re)start of the process listens on it. */
  socket: BoundSocket;
  /** Node's arguments. */
  command: string[];
  env: Record<string, string>;
  color: number;
  child?: ChildProcess;
  startedAt: number;
  restarts: number;
  backoffMs: number;
  restartTimer?: NodeJS.Timeout;
  status: 'starting' | 'ready' | 'restarting' | 'stopped' | 'failed';
  /** The last lines of stderr, reported when it dies. */
  tail: string[];
}

/** Where the supervisor (and the gateway) reach a process. */
function url(p: Proc): string {
  const { host, port } = p.socket;
  const reachable = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  return `http://${reachable.includes(':') ? `[${reachable}]` : reachable}:${port}`;
}

/** Without the password, for messages. */
function redact(databaseUrl: string): string {
  try {
    const u = new URL(databaseUrl);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparseable URL)';
  }
}

class Supervisor {
  readonly procs: Proc[] = [];
  #stopping = false;
  #stateFile: string | undefined;
  #gateway: Proc | undefined;
  #publicUrl = '';
  readonly #sockets: BoundSocket[] = [];

  constructor(readonly options: Options) {
    this.#stateFile = options.stateFile ? path.resolve(options.stateFile) : undefined;
  }

  /**
   * Binds every process's socket (the gateway's on HOST:PORT, the functions' on loopback: the ports
   * FUNCTION_BASE_PORT, +1, ... or, without it, ports the OS picks), so a port in use is reported
   * now, before anything starts, and no two processes can ever be given the same one.
   */
  async plan(): Promise<void> {
    const { options } = this;
    const fns = FUNCTIONS.filter((f) => !options.only || options.only.includes(f.id));
    let next = options.basePort;
    const bind = async (host: string, port: number, what: string) => {
      try {
        const socket = await bindSocket(host, port);
        this.#sockets.push(socket);
        return socket;
      } catch (err) {
        if (!(err instanceof BindError)) throw err;
        const hint =
          what === 'the gateway'
            ? 'set PORT to a free port'
            : 'set FUNCTION_BASE_PORT to a free range, or unset it';
        throw new UsageError(`${what}: ${err.message} (${hint})`);
      }
    };
    const gatewaySocket = await bind(options.env.HOST, options.env.PORT, 'the gateway');
    let colorIndex = 0;
    for (const fn of fns) {
      const count = options.replicas.get(fn.id) ?? 1;
      for (let replica = 1; replica <= count; replica++) {
        const name = count > 1 ? `${fn.id}#${replica}` : fn.id;
        this.procs.push(
          this.#proc({
            name,
            fn,
            replica,
            socket: await bind('127.0.0.1', options.basePort ? next++ : 0, name),
            command: commandOf(fn.id),
            color: PALETTE[colorIndex++ % PALETTE.length]!,
          }),
        );
      }
    }
    // Each route goes to the function declaring it; replicas take requests in turn.
    const upstreams = fns
      .filter((fn) => fn.routes.length > 0)
      .map(
        (fn) =>
          `${fn.id}=${this.procs
            .filter((p) => p.fn === fn)
            .map(url)
            .join('|')}`,
      )
      .join(',');
    const gateway = this.#proc({
      name: 'gateway',
      fn: undefined,
      replica: 1,
      socket: gatewaySocket,
      command: commandOf('gateway'),
      color: 97,
    });
    gateway.env.GATEWAY_UPSTREAMS = upstreams;
    gateway.env.HOST = options.env.HOST;
    // Routes of functions left out by --only answer 502 from a template that leads nowhere.
    gateway.env.GATEWAY_UPSTREAM = 'http://127.0.0.1:9/{id}';
    this.#gateway = gateway;
    this.procs.push(gateway);
    const { HOST, PUBLIC_URL } = options.env;
    this.#publicUrl = (
      PUBLIC_URL ?? `http://${HOST.includes(':') ? `[${HOST}]` : HOST}:${gatewaySocket.port}`
    ).replace(/\/+$/, '');
    nameWidth = Math.max(10, ...this.procs.map((p) => p.name.length));
  }

  #proc(p: Pick<Proc, 'name' | 'fn' | 'replica' | 'socket' | 'command' | 'color'>): Proc {
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(processEnvironment())) if (v !== undefined) env[k] = v;
    Object.assign(env, {
      BUS: 'kafka',
      HOST: '127.0.0.1',
      PORT: String(p.socket.port),
      LISTEN_SOCKET: 'supervisor',
      SERVE_WEB: 'false',
    });
    if (p.fn) env.FUNCTION = p.fn.id;
    else delete env.FUNCTION;
    return { ...p, env, startedAt: 0, restarts: 0, backoffMs: 500, status: 'starting', tail: [] };
  }

  /** Creates the topics and applies the migrations once, failing with a clear message when a service is down. */
  async preflight(): Promise<void> {
    const { env } = this.options;
    const { openDatabase } = await import('../core/db/client');
    try {
      const database = await Promise.race([
        openDatabase({ databaseUrl: env.DATABASE_URL, maxConnections: 1 }),
        new Promise<never>((_, reject) =>
          setTimeout(() => reject(new Error('no answer within 15 s')), 15_000).unref(),
        ),
      ]);
      await database.close();
    } catch (err) {
      throw new UsageError(
        `cannot use PostgreSQL at ${redact(env.DATABASE_URL!)}: ${(err as Error).message}\n` +
          'start one with `scripts/postgres.sh start` (it prints the URL to use), or fix DATABASE_URL',
      );
    }
    // A CommonJS package: a bundle may hand its exports over as `default` only.
    const kafkajs: typeof import('kafkajs') & { default?: typeof import('kafkajs') } = await import(
      'kafkajs'
    );
    const { Kafka, logLevel } = kafkajs.default ?? kafkajs;
    const { kafkaOptions } = await import('./profiles/bus');
    const opts = kafkaOptions(env);
    const probe = new Kafka({
      brokers: opts.brokers,
      clientId: `${env.KAFKA_CLIENT_ID}-supervisor`,
      ...(opts.ssl !== undefined ? { ssl: opts.ssl } : {}),
      ...(opts.sasl !== undefined ? { sasl: opts.sasl } : {}),
      logLevel: logLevel.NOTHING,
      connectionTimeout: 3000,
      retry: { retries: 2, initialRetryTime: 300 },
    }).admin();
    try {
      await probe.connect();
      await probe.describeCluster();
    } catch (err) {
      throw new UsageError(
        `cannot reach Kafka at ${opts.brokers.join(',')}: ${(err as Error).message}\n` +
          'start one with `scripts/kafka.sh start`, or point KAFKA_BROKERS at your Kafka or Redpanda',
      );
    } finally {
      await probe.disconnect().catch(() => {});
    }
    // Topics are made here once rather than raced for by every process.
    const { KafkaBus } = await import('../core/adapters/bus/kafka');
    const { createLogger } = await import('../core/observability/logger');
    const bus = new KafkaBus({
      ...opts,
      clientId: `${env.KAFKA_CLIENT_ID}-supervisor`,
      deadLetters: { record: async () => {} },
      log: createLogger({ level: 'error', name: 'supervisor' }),
    });
    await bus.start();
    await bus.stop();
  }

  start(p: Proc): void {
    p.status = 'starting';
    p.startedAt = Date.now();
    p.tail = [];
    const child = spawn(process.execPath, [...this.options.nodeArgs, ...p.command], {
      cwd: ROOT,
      env: p.env,
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    p.child = child;
    offerSocket(child, p.socket);
    const out = createInterface({ input: child.stdout! });
    out.on('line', (line) => emit(p.name, p.color, line));
    const errs = createInterface({ input: child.stderr! });
    errs.on('line', (line) => {
      p.tail.push(line);
      if (p.tail.length > 20) p.tail.shift();
      emit(p.name, p.color, line);
    });
    child.on('exit', (code, signal) => this.#exited(p, child, code, signal));
    child.on('error', (err) => say('error', `${p.name}: ${err.message}`));
    this.writeState();
  }

  #exited(p: Proc, child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (p.child !== child) return;
    p.child = undefined;
    if (this.#stopping) {
      p.status = 'stopped';
      this.writeState();
      return;
    }
    const ran = Date.now() - p.startedAt;
    const how = signal ? `killed by ${signal}` : `exited with code ${code}`;
    if (p.tail.some((l) => l.includes('EADDRINUSE'))) {
      p.status = 'failed';
      say(
        'error',
        `${p.name} cannot listen on port ${p.socket.port}: another process has it (set PORT, or FUNCTION_BASE_PORT)`,
      );
      this.writeState();
      void this.stop(`port ${p.socket.port} taken`, CONFIG_EXIT);
      return;
    }
    if (code === CONFIG_EXIT) {
      p.status = 'failed';
      say('error', `${p.name} ${how}: it refuses its configuration, so it is not restarted`, {
        stderr: p.tail.slice(-5).join('\n'),
      });
      this.writeState();
      void this.stop(`${p.name} cannot start`, 1);
      return;
    }
    if (ran > STABLE_AFTER_MS) p.backoffMs = 500;
    const delay = p.backoffMs;
    p.backoffMs = Math.min(MAX_BACKOFF_MS, p.backoffMs * 2);
    p.restarts++;
    p.status = 'restarting';
    say('error', `${p.name} ${how} after ${Math.round(ran / 1000)} s; restarting in ${delay} ms`, {
      restarts: p.restarts,
      ...(p.tail.length > 0 && code !== 0 && !signal ? { stderr: p.tail.slice(-5).join('\n') } : {}),
    });
    this.writeState();
    p.restartTimer = setTimeout(() => {
      p.restartTimer = undefined;
      if (this.#stopping) return;
      this.start(p);
      void this.waitReady(p, 120_000).then(
        () => say('info', `${p.name} is back`, { pid: p.child?.pid, restarts: p.restarts }),
        () => {},
      );
    }, delay);
  }

  /**
   * Resolves once the process answers /ready; the gateway's answers so only once every function it
   * routes to does.
   */
  async waitReady(p: Proc, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const child = p.child;
    const path = '/ready';
    while (Date.now() < deadline) {
      if (this.#stopping || !child || p.child !== child) throw new Error(`${p.name} stopped`);
      try {
        const res = await fetch(`${url(p)}${path}`, { signal: AbortSignal.timeout(2000) });
        await res.body?.cancel();
        if (res.status === 200) {
          p.status = 'ready';
          this.writeState();
          return;
        }
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`${p.name} not ready within ${Math.round(timeoutMs / 1000)} s`);
  }

  async run(): Promise<void> {
    const t0 = performance.now();
    await this.plan();
    say('info', 'checking PostgreSQL and Kafka', {
      database: redact(this.options.env.DATABASE_URL!),
      brokers: this.options.env.KAFKA_BROKERS,
    });
    await this.preflight();
    const functions = this.procs.filter((p) => p.fn);
    say('info', `starting ${functions.length} function processes and the gateway`);
    for (const p of this.procs) {
      this.start(p);
      // A process that dies meanwhile is restarted, and waited for, by #exited.
      this.waitReady(p, Number.POSITIVE_INFINITY).catch(() => {});
    }
    // Running means the gateway is ready, and it is only once every function it routes to is.
    let noted = performance.now();
    while (this.procs.some((p) => p.status !== 'ready')) {
      if (this.#stopping) return;
      if (performance.now() - noted > 15_000) {
        noted = performance.now();
        const waiting = this.procs.filter((p) => p.status !== 'ready').map((p) => p.name);
        say('warn', `still starting after ${Math.round((noted - t0) / 1000)} s: ${waiting.join(', ')}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    for (const p of functions) {
      say('info', `${p.name.padEnd(nameWidth)} ${url(p)}`, {
        pid: p.child?.pid,
        routes: p.fn!.routes.length,
        triggers: p.fn!.on.length,
        ...(p.fn!.tick ? { tick: true } : {}),
      });
    }
    say('info', `Taskwire (multi-process, Kafka) is running at ${this.#publicUrl}`, {
      processes: this.procs.length,
      startupMs: Math.round(performance.now() - t0),
    });
  }

  writeState(): void {
    if (!this.#stateFile) return;
    const state = {
      supervisor: process.pid,
      url: this.#publicUrl,
      gateway: this.#gateway ? url(this.#gateway) : undefined,
      stopping: this.#stopping,
      processes: this.procs.map((p) => ({
        name: p.name,
        function: p.fn?.id ?? 'gateway',
        replica: p.replica,
        pid: p.child?.pid ?? null,
        url: url(p),
        status: p.status,
        restarts: p.restarts,
      })),
    };
    const tmp = `${this.#stateFile}.tmp`;
    writeFileSync(tmp, `${JSON.stringify(state, null, 2)}\n`);
    renameSync(tmp, this.#stateFile);
  }

  /** SIGTERM to the gateway, then to every function; SIGKILL to what is still up after the timeout. */
  async stop(reason: string, exitCode = 0): Promise<void> {
    if (this.#stopping) {
      say('warn', 'stopping now: SIGKILL to every process');
      for (const p of this.procs) p.child?.kill('SIGKILL');
      return;
    }
    this.#stopping = true;
    say('info', `stopping (${reason})`);
    this.writeState();
    for (const p of this.procs) if (p.restartTimer) clearTimeout(p.restartTimer);
    const gone = (p: Proc) =>
      new Promise<void>((resolve) => {
        const child = p.child;
        if (!child || child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
      });
    const terminate = async (ps: Proc[], timeoutMs: number) => {
      for (const p of ps) p.child?.kill('SIGTERM');
      const timer = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), timeoutMs).unref());
      const all = Promise.all(ps.map(gone));
      if ((await Promise.race([all, timer])) === 'timeout') {
        const left = ps.filter((p) => p.child);
        say(
          'warn',
          `no clean stop within ${timeoutMs / 1000} s: SIGKILL to ${left.map((p) => p.name).join(', ')}`,
        );
        for (const p of left) p.child?.kill('SIGKILL');
        await all;
      }
    };
    const gateway = this.procs.filter((p) => !p.fn);
    await terminate(gateway, 5000);
    await terminate(
      this.procs.filter((p) => p.fn),
      STOP_TIMEOUT_MS,
    );
    for (const socket of this.#sockets) socket.close();
    if (this.#stateFile) rmSync(this.#stateFile, { force: true });
    say('info', 'stopped');
    // Let the last lines out before exiting.
    process.stdout.write('', () => process.exit(exitCode));
  }
}

async function main(): Promise<void> {
  let options: Options;
  try {
    options = readOptions(process.argv.slice(2), processEnvironment());
  } catch (err) {
    if (err instanceof UsageError || err instanceof ConfigError) {
      console.error(err.message);
      process.exit(CONFIG_EXIT);
    }
    throw err;
  }
  emit = makeLogger(options.logFormat);
  const supervisor = new Supervisor(options);
  process.on('SIGTERM', () => void supervisor.stop('SIGTERM'));
  process.on('SIGINT', () => void supervisor.stop('SIGINT'));
  try {
    await supervisor.run();
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(err.message);
      await supervisor.stop('start-up failed', CONFIG_EXIT);
      return;
    }
    throw err;
  }
}

main().catch((err) => {
  console.error('the supervisor failed:', err instanceof Error ? (err.stack ?? err.message) : err);
  process.exit(1);
});
