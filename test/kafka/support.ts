/**
 * Helpers of the tests against the real broker: the multi-process launcher as a real process, a
 * namespace per test file on the shared Kafka (topic and group prefixes, deleted afterwards), a
 * dedicated broker for the tests that restart one, an OTLP/HTTP collector, and polling.
 */
import { type ChildProcess, execFile, execFileSync, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, openSync, readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import postgres from 'postgres';
import { freshDatabase } from '../support/harness';
import { deleteNamespaces } from '../support/kafka-namespace';
import { ROOT, tempDir } from '../support/server-process';

export function sharedBrokers(): string {
  const brokers = process.env.KAFKA_BROKERS;
  if (!brokers) throw new Error('KAFKA_BROKERS is not set: the global setup starts Kafka (scripts/kafka.sh)');
  return brokers;
}

export async function newDatabase(): Promise<string> {
  const server = process.env.TEST_DATABASE_URL;
  if (!server) throw new Error('TEST_DATABASE_URL is not set: the global setup starts PostgreSQL');
  return freshDatabase(server);
}

/** A unique topic and group prefix on a shared broker, and its removal. */
export function kafkaNamespace(brokers: string) {
  const prefix = `tw-test-${randomUUID().slice(0, 8)}.`;
  return {
    prefix,
    env: { KAFKA_TOPIC_PREFIX: prefix, KAFKA_GROUP_PREFIX: prefix },
    cleanup: () => deleteNamespace(brokers, prefix),
  };
}

/** Deletes the topics and consumer groups whose names start with `prefix`. */
export function deleteNamespace(brokers: string, prefix: string): Promise<void> {
  return deleteNamespaces(brokers, [prefix]);
}

export async function waitFor<T>(
  what: string,
  probe: () => Promise<T> | T,
  ok: (v: T) => boolean,
  timeoutMs: number,
  everyMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = await probe();
  while (!ok(last)) {
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last: ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, everyMs));
    last = await probe();
  }
  return last;
}

/** A PostgreSQL client on a test database, for reading effects straight from the tables. */
export function sqlClient(url: string) {
  return postgres(url, { max: 2, onnotice: () => {} });
}

export interface ProcessState {
  name: string;
  function: string;
  replica: number;
  pid: number | null;
  url: string;
  status: string;
  restarts: number;
}

let bundlesChecked = false;

/** Builds dist/multi (scripts/ensure-bundles.mjs) when the sources changed; once per test process. */
export function ensureBundles(): void {
  if (bundlesChecked) return;
  execFileSync(process.execPath, ['scripts/ensure-bundles.mjs'], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'inherit'],
    timeout: 900_000,
  });
  bundlesChecked = true;
}

/** `npm run start:kafka` (the supervisor's bundle) running as a real process, with its log in a file. */
export class MultiProcess {
  proc: ChildProcess | undefined;
  readonly logFile: string;
  readonly stateFile: string;
  base = '';

  constructor(
    readonly env: Record<string, string>,
    readonly args: string[] = [],
  ) {
    const dir = tempDir('tw-multi-');
    this.logFile = path.join(dir, 'multi.log');
    this.stateFile = path.join(dir, 'state.json');
  }

  /** Starts the supervisor and waits until it says every process is ready (`ready: false`: not). */
  async start(timeoutMs = 240_000, opts: { ready?: boolean } = {}): Promise<void> {
    // Port 0 unless the test sets one: the supervisor binds the gateway's port and says which it got.
    const port = this.env.PORT ?? '0';
    const out = openSync(this.logFile, 'a');
    // What `npm run start:kafka` runs: the supervisor's bundle and the function bundles beside it,
    // built first when the sources changed (one build for concurrent test files).
    ensureBundles();
    this.proc = spawn(
      process.execPath,
      ['dist/multi/supervisor.mjs', '--state-file', this.stateFile, '--log-format', 'json', ...this.args],
      {
        cwd: ROOT,
        env: {
          ...process.env,
          LOG_LEVEL: 'info',
          RETRY_DELAY_SCALE: '0.05',
          OUTBOX_POLL_MS: '200',
          KAFKA_SESSION_TIMEOUT_MS: '10000',
          ...this.env,
          PORT: port,
          HOST: '127.0.0.1',
        },
        stdio: ['ignore', out, out],
      },
    );
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.proc.exitCode !== null) {
        throw new Error(`supervisor exited with ${this.proc.exitCode}; log: ${this.logFile}\n${this.tail()}`);
      }
      const state = this.state();
      if (state?.gateway) this.base = state.gateway;
      if (state && opts.ready === false) return;
      if (state?.processes.every((p) => p.status === 'ready')) return;
      await new Promise((r) => setTimeout(r, opts.ready === false ? 20 : 250));
    }
    throw new Error(`supervisor not ready in ${timeoutMs} ms; log: ${this.logFile}\n${this.tail()}`);
  }

  tail(lines = 30): string {
    return existsSync(this.logFile)
      ? readFileSync(this.logFile, 'utf8').split('\n').slice(-lines).join('\n')
      : '';
  }

  /** Log lines (JSON) of one process (`audit-sink`, `task-stream#2`, `supervisor`). */
  logOf(name: string): Record<string, unknown>[] {
    return readFileSync(this.logFile, 'utf8')
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => {
        try {
          return JSON.parse(l) as Record<string, unknown>;
        } catch {
          return {};
        }
      })
      .filter((e) => e.process === name);
  }

  state(): { supervisor: number; url: string; gateway?: string; processes: ProcessState[] } | undefined {
    try {
      return JSON.parse(readFileSync(this.stateFile, 'utf8'));
    } catch {
      return undefined;
    }
  }

  process(name: string): ProcessState {
    const p = this.state()?.processes.find((x) => x.name === name);
    if (!p) throw new Error(`no process ${name} in ${this.stateFile}`);
    return p;
  }

  /** SIGTERM, as Ctrl-C or a service manager stops it; SIGKILL when it does not stop in time. */
  async stop(timeoutMs = 45_000): Promise<number | null> {
    const proc = this.proc;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return proc?.exitCode ?? null;
    return new Promise((resolve) => {
      const timer = setTimeout(() => proc.kill('SIGKILL'), timeoutMs);
      proc.once('exit', (code) => {
        clearTimeout(timer);
        resolve(code);
      });
      proc.kill('SIGTERM');
    });
  }
}

/** Runs `scripts/kafka.sh <command>` for a broker on `port`. */
export function kafkaScript(command: string, port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      'bash',
      ['scripts/kafka.sh', command],
      { cwd: ROOT, timeout: 240_000, env: { ...process.env, KAFKA_PORT: String(port) } },
      (err, stdout, stderr) => (err ? reject(new Error(`kafka.sh ${command}: ${stderr}`)) : resolve(stdout)),
    );
  });
}

/** A port pair (broker, controller) for a dedicated broker of this run. */
export function dedicatedBrokerPort(): number {
  return 21_000 + 2 * Math.floor(Math.random() * 9_000);
}

export interface ExportRequest {
  path: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** A local HTTP server in the role of an OpenTelemetry collector's OTLP/HTTP receiver. */
export async function startCollector(): Promise<{
  url: string;
  requests: ExportRequest[];
  /** Spans of OTLP/JSON requests, with their service name. */
  spans(): CollectedSpan[];
  close(): Promise<void>;
}> {
  const requests: ExportRequest[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      requests.push({ path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) });
      const json = String(req.headers['content-type'] ?? '').includes('json');
      res.writeHead(200, { 'content-type': json ? 'application/json' : 'application/x-protobuf' });
      res.end(json ? '{}' : undefined);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    spans: () =>
      requests
        .filter((r) => String(r.headers['content-type']).includes('json'))
        .flatMap((r) => collectedSpans(JSON.parse(r.body.toString('utf8')))),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export interface CollectedSpan {
  service: string;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes: Record<string, unknown>;
}

interface OtlpJson {
  resourceSpans?: {
    resource?: { attributes?: { key: string; value: Record<string, unknown> }[] };
    scopeSpans?: {
      spans?: {
        traceId: string;
        spanId: string;
        parentSpanId?: string;
        name: string;
        kind: number;
        attributes?: { key: string; value: Record<string, unknown> }[];
      }[];
    }[];
  }[];
}

function attributeMap(list: { key: string; value: Record<string, unknown> }[] = []): Record<string, unknown> {
  return Object.fromEntries(list.map((a) => [a.key, Object.values(a.value)[0]]));
}

function collectedSpans(body: OtlpJson): CollectedSpan[] {
  return (body.resourceSpans ?? []).flatMap((rs) => {
    const service = String(attributeMap(rs.resource?.attributes)['service.name'] ?? '');
    return (rs.scopeSpans ?? []).flatMap((ss) =>
      (ss.spans ?? []).map((s) => ({
        service,
        traceId: s.traceId,
        spanId: s.spanId,
        ...(s.parentSpanId ? { parentSpanId: s.parentSpanId } : {}),
        name: s.name,
        kind: s.kind,
        attributes: attributeMap(s.attributes),
      })),
    );
  });
}

/** Reads a Prometheus counter's value (summed over the series matching `labels`). */
export async function counter(
  base: string,
  name: string,
  labels: Record<string, string> = {},
): Promise<number> {
  const text = await (await fetch(`${base}/metrics`)).text();
  let total = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`))) {
      total += Number(line.slice(line.lastIndexOf(' ') + 1));
    }
  }
  return total;
}
