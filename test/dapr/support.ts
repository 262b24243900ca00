/**
 * Helpers of the tests against a real Dapr sidecar: the daprd binary (DAPRD, built by
 * scripts/daprd.sh), the resources of one test run written to a temp directory (Kafka pub/sub in
 * a namespace of the shared broker, PostgreSQL state, a fast cron binding, a local file secret
 * store, a Resiliency spec), and `scripts/start-dapr.ts` running as a real process.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Kafka, KafkaJSProtocolError, logLevel } from 'kafkajs';
import { stringify } from 'yaml';
import { parseBrokers } from '../../core/adapters/bus/kafka';
import { freePort, ROOT, tempDir } from '../support/server-process';

/** The daprd binary. A test that needs it fails without it: it is never skipped. */
export function daprdBinary(): string {
  const bin = process.env.DAPRD;
  if (!bin || !existsSync(bin)) {
    throw new Error(
      `DAPRD must name a daprd binary (got ${bin ? `"${bin}", which does not exist` : 'nothing'}): ` +
        'run `export DAPRD=$(scripts/daprd.sh | tail -1)` (the first build takes a few minutes), then `npm run test:dapr`',
    );
  }
  return bin;
}

/** What `daprd --version` prints. */
export function daprdVersion(bin: string): string {
  return execFileSync(bin, ['--version'], { encoding: 'utf8' }).trim();
}

export interface RunResources {
  dir: string;
  /** Topic names and consumer groups of this run start with it. */
  prefix: string;
  secretsFile: string;
}

export interface ResourceOptions {
  brokers: string;
  databaseUrl: string;
  /** Schedule of fire-reminders' cron binding (`@every 1s`). */
  tickSchedule: string;
  /** Pause between two deliveries of a failing event (the Resiliency policy of inbound pub/sub). */
  retryInterval: string;
  /** Retries of one delivery the Resiliency policy allows. */
  maxRetries: number;
}

/** A Dapr Component resource. */
export const component = (
  name: string,
  type: string,
  metadata: Record<string, unknown>[],
  extra = {},
  version = 'v1',
) => ({
  apiVersion: 'dapr.io/v1alpha1',
  kind: 'Component',
  metadata: { name },
  spec: { type, version, metadata },
  ...extra,
});

/**
 * The components of one run: the same names as dapr/components (taskwire-pubsub, -broadcast,
 * -state, -secrets), pointed at this machine's Kafka and PostgreSQL. The database URL lives only
 * in the secret store's file: the functions read it through the sidecar (DAPR_SECRETS), the state
 * store through a secretKeyRef.
 */
export function writeResources(opts: ResourceOptions): RunResources {
  const dir = tempDir('tw-dapr-resources-');
  const prefix = `tw-dapr-${randomUUID().slice(0, 8)}.`;
  const secretsFile = path.join(tempDir('tw-dapr-secrets-'), 'secrets.json');
  writeFileSync(secretsFile, JSON.stringify({ 'taskwire-database': { url: opts.databaseUrl } }), {
    mode: 0o600,
  });
  const kafka = (consumerID: string, initialOffset: string) => [
    { name: 'brokers', value: opts.brokers },
    { name: 'consumerID', value: consumerID },
    { name: 'authType', value: 'none' },
    { name: 'initialOffset', value: initialOffset },
    { name: 'disableTls', value: 'true' },
  ];
  const docs = [
    component('taskwire-pubsub', 'pubsub.kafka', kafka(`${prefix}{appID}`, 'oldest')),
    // One consumer group per instance: every task-stream replica sees every change.
    component('taskwire-broadcast', 'pubsub.kafka', kafka(`${prefix}{uuid}`, 'newest')),
    component(
      'taskwire-state',
      'state.postgresql',
      [
        { name: 'connectionString', secretKeyRef: { name: 'taskwire-database', key: 'url' } },
        { name: 'tablePrefix', value: 'dapr_' },
        { name: 'keyPrefix', value: 'name' },
      ],
      { auth: { secretStore: 'taskwire-secrets' } },
      'v2',
    ),
    {
      ...component('taskwire-secrets', 'secretstores.local.file', [
        { name: 'secretsFile', value: secretsFile },
        { name: 'multiValued', value: 'true' },
      ]),
    },
    {
      ...component('fire-reminders-tick', 'bindings.cron', [
        { name: 'schedule', value: opts.tickSchedule },
        { name: 'direction', value: 'input' },
      ]),
      scopes: ['fire-reminders'],
    },
  ];
  writeFileSync(path.join(dir, 'components.yaml'), docs.map((d) => stringify(d)).join('---\n'));
  // A file of its own: daprd reads only the first document of a Resiliency file.
  const resiliency = {
    apiVersion: 'dapr.io/v1alpha1',
    kind: 'Resiliency',
    metadata: { name: 'taskwire-resiliency' },
    spec: {
      policies: {
        timeouts: { delivery: '30s' },
        retries: {
          delivery: { policy: 'constant', duration: opts.retryInterval, maxRetries: opts.maxRetries },
        },
      },
      targets: {
        components: {
          'taskwire-pubsub': { inbound: { timeout: 'delivery', retry: 'delivery' } },
          'taskwire-broadcast': { inbound: { timeout: 'delivery', retry: 'delivery' } },
        },
      },
    },
  };
  writeFileSync(path.join(dir, 'resiliency.yaml'), stringify(resiliency));
  return { dir, prefix, secretsFile };
}

/** One daprd without an app (the state and secrets APIs need none), on free ports. */
export class Sidecar {
  proc: ChildProcess | undefined;
  url = '';
  readonly logFile = path.join(tempDir('tw-daprd-'), 'daprd.log');

  constructor(
    readonly appId: string,
    readonly resourcesDir: string,
  ) {}

  async start(timeoutMs = 60_000): Promise<void> {
    const [http, grpc, internal, metrics] = [
      await freePort(),
      await freePort(),
      await freePort(),
      await freePort(),
    ];
    this.url = `http://127.0.0.1:${http}`;
    const out = openSync(this.logFile, 'a');
    this.proc = spawn(
      daprdBinary(),
      [
        '--app-id',
        this.appId,
        '--dapr-http-port',
        String(http),
        '--dapr-grpc-port',
        String(grpc),
        '--dapr-internal-grpc-port',
        String(internal),
        '--dapr-listen-addresses',
        '127.0.0.1',
        '--metrics-port',
        String(metrics),
        '--resources-path',
        this.resourcesDir,
        '--log-as-json',
      ],
      { stdio: ['ignore', out, out] },
    );
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.proc.exitCode !== null)
        throw new Error(`daprd exited with ${this.proc.exitCode}: ${this.logFile}`);
      try {
        const res = await fetch(`${this.url}/v1.0/healthz`);
        await res.body?.cancel();
        if (res.status === 204) return;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`daprd not healthy in ${timeoutMs} ms: ${this.logFile}`);
  }

  async stop(): Promise<void> {
    const proc = this.proc;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      proc.once('exit', () => resolve());
      proc.kill('SIGTERM');
    });
  }
}

/**
 * Resolves once `count` consumer groups of the run are Stable with every member assigned: until
 * then daprd's Kafka consumers have not joined, and a broadcast subscription (initial offset
 * `newest`) would miss what is published.
 */
export async function waitForConsumerGroups(
  brokers: string,
  prefix: string,
  count: number,
  timeoutMs: number,
): Promise<string[]> {
  const admin = new Kafka({ brokers: parseBrokers(brokers), logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const deadline = Date.now() + timeoutMs;
    let last = '';
    while (Date.now() < deadline) {
      try {
        const ids = (await admin.listGroups()).groups
          .map((g) => g.groupId)
          .filter((g) => g.startsWith(prefix));
        if (ids.length >= count) {
          const { groups } = await admin.describeGroups(ids);
          const stable = groups.filter(
            (g) =>
              g.state === 'Stable' &&
              g.members.length > 0 &&
              g.members.every((m) => m.memberAssignment.length > 0),
          );
          if (stable.length >= count) return stable.map((g) => g.groupId);
          last = groups.map((g) => `${g.groupId}:${g.state}`).join(', ');
        } else {
          last = `${ids.length} groups: ${ids.join(', ')}`;
        }
      } catch (err) {
        // A fresh broker answers COORDINATOR_LOAD_IN_PROGRESS (and the like) while it loads the
        // group coordinator's partitions: retriable, so ask again; anything else is a real error.
        if (!(err instanceof KafkaJSProtocolError && err.retriable)) throw err;
        last = err.message;
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error(`the consumer groups of ${prefix} did not settle in ${timeoutMs} ms (${last})`);
  } finally {
    await admin.disconnect();
  }
}

export interface DaprProcessState {
  name: string;
  function: string;
  replica: number;
  pid: number | null;
  url: string;
  status: string;
  sidecar: { pid: number | null; url: string; metrics: string; status: string };
}

/** `scripts/start-dapr.ts` as a real process, with its log (JSON lines) in a file. */
export class DaprMode {
  proc: ChildProcess | undefined;
  readonly logFile: string;
  readonly stateFile: string;
  base = '';

  constructor(
    readonly env: Record<string, string>,
    readonly args: string[],
  ) {
    const dir = tempDir('tw-dapr-');
    this.logFile = path.join(dir, 'dapr.log');
    this.stateFile = path.join(dir, 'state.json');
  }

  async start(timeoutMs = 240_000): Promise<void> {
    const port = await freePort();
    this.base = `http://127.0.0.1:${port}`;
    const out = openSync(this.logFile, 'a');
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      LOG_LEVEL: 'info',
      OUTBOX_POLL_MS: '200',
      ...this.env,
      PORT: String(port),
      HOST: '127.0.0.1',
    };
    // What the functions need comes from the sidecar: nothing may reach them around it.
    delete env.DATABASE_URL;
    this.proc = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'scripts/start-dapr.ts',
        '--state-file',
        this.stateFile,
        '--log-format',
        'json',
        ...this.args,
      ],
      { cwd: ROOT, env, stdio: ['ignore', out, out] },
    );
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.proc.exitCode !== null) {
        throw new Error(`start-dapr exited with ${this.proc.exitCode}; log: ${this.logFile}\n${this.tail()}`);
      }
      if (this.logOf('launcher').some((e) => String(e.message).startsWith('Taskwire (Dapr mode) is running')))
        return;
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error(`start-dapr not ready in ${timeoutMs} ms; log: ${this.logFile}\n${this.tail()}`);
  }

  tail(lines = 40): string {
    return existsSync(this.logFile)
      ? readFileSync(this.logFile, 'utf8').split('\n').slice(-lines).join('\n')
      : '';
  }

  /** Log lines (JSON) of one process: `audit-sink`, `audit-sink.daprd`, `launcher`. */
  logOf(name: string): Record<string, unknown>[] {
    if (!existsSync(this.logFile)) return [];
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

  state(): { url: string; processes: DaprProcessState[] } | undefined {
    try {
      return JSON.parse(readFileSync(this.stateFile, 'utf8'));
    } catch {
      return undefined;
    }
  }

  process(name: string): DaprProcessState {
    const p = this.state()?.processes.find((x) => x.name === name);
    if (!p) throw new Error(`no process ${name} in ${this.stateFile}`);
    return p;
  }

  async stop(timeoutMs = 60_000): Promise<number | null> {
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
