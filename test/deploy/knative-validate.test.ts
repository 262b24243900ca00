/**
 * Knative's own admission logic over the manifests (tools/knative-validate, built from
 * knative.dev/serving and knative.dev/eventing): it rejects what a cluster's webhooks reject, naming
 * the field, and the repository's real manifests pass it. `npm run validate:cluster` is run as CI runs it.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments, stringify } from 'yaml';
import { FUNCTIONS } from '../../functions';
import {
  knativeValidator,
  NAMESPACE,
  RENDERS,
  runKnativeValidator,
  type ValidatorResult,
} from '../../scripts/validate-cluster';
import { KUBE_VERSION, ROOT, run, tool } from './tools';

// biome-ignore lint/suspicious/noExplicitAny: manifests are edited field by field
type Manifest = Record<string, any>;

let bin = '';
const work = mkdtempSync(path.join(tmpdir(), 'tw-knative-validate-'));

beforeAll(async () => {
  // Built once per go.sum and cached; CI builds it in `npm run validate:cluster` before the tests.
  bin = await knativeValidator();
}, 30 * 60_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The chart rendered for Minikube with Knative eventing, as objects. */
function rendered(): Manifest[] {
  const r = run(tool('helm'), [
    'template',
    'taskwire',
    'helm/taskwire',
    '--namespace',
    NAMESPACE,
    '--kube-version',
    KUBE_VERSION,
    '-f',
    'helm/taskwire/values-minikube.yaml',
  ]);
  if (r.status !== 0) throw new Error(r.stderr);
  return parseAllDocuments(r.stdout)
    .map((d) => d.toJS() as Manifest | null)
    .filter((d): d is Manifest => d !== null);
}

const chart = rendered();
const find = (kind: string, name?: string): Manifest => {
  const m = chart.find((x) => x.kind === kind && (name === undefined || x.metadata.name === name));
  if (!m) throw new Error(`the chart renders no ${kind} ${name ?? ''}`);
  return structuredClone(m);
};

let n = 0;
/** Validates the given objects, one file, and returns one result per object. */
function validate(...objects: Manifest[]): ValidatorResult[] {
  const file = path.join(work, `case-${n++}.yaml`);
  writeFileSync(file, objects.map((o) => `---\n${stringify(o)}`).join(''));
  return runKnativeValidator(bin, [file]);
}

function only(results: ValidatorResult[]): ValidatorResult {
  expect(results).toHaveLength(1);
  return results[0]!;
}

const firstContainer = (svc: Manifest): Manifest => svc.spec.template.spec.containers[0];

describe('Knative Serving validation (knative.dev/serving, as its webhook runs it)', () => {
  it('admits the chart’s Service as rendered (the cases below change one field of it)', () => {
    const r = only(validate(find('Service', 'create-task')));
    expect(r).toMatchObject({ kind: 'Service', name: 'create-task', webhook: 'serving', checked: true });
    expect(r.errors).toEqual([]);
  });

  for (const port of [8012, 8013, 8022, 9090, 9091]) {
    it(`rejects queue-proxy's reserved port ${port} as the container port`, () => {
      const svc = find('Service', 'create-task');
      firstContainer(svc).ports[0].containerPort = port;
      expect(only(validate(svc)).errors).toEqual([
        expect.objectContaining({
          field: 'spec.template.spec.containers[0].ports.containerPort',
          message: expect.stringContaining(`${port} is a reserved port`),
        }),
      ]);
    });
  }

  it('rejects a timeoutSeconds over the maximum of Knative’s default config-defaults (600 s)', () => {
    const svc = find('Service', 'create-task');
    svc.spec.template.spec.timeoutSeconds = 601;
    expect(only(validate(svc)).errors).toEqual([
      expect.objectContaining({
        field: 'spec.template.spec.timeoutSeconds',
        message: expect.stringContaining('expected 0 <= 601 <= 600'),
      }),
    ]);
  });

  it('admits the longest timeout the defaults allow (the gateway’s 600 s)', () => {
    const svc = find('Service', 'gateway');
    expect(svc.spec.template.spec.timeoutSeconds).toBe(600);
    expect(only(validate(svc)).errors).toEqual([]);
  });

  it('rejects a privileged container', () => {
    const svc = find('Service', 'create-task');
    firstContainer(svc).securityContext.privileged = true;
    expect(only(validate(svc)).errors).toEqual([
      expect.objectContaining({
        field: 'spec.template.spec.containers[0].securityContext.privileged',
        message: 'must not set the field(s)',
      }),
    ]);
  });

  it('rejects a readiness probe with a failureThreshold but no period (Knative’s fast start-up probing)', () => {
    const svc = find('Service', 'create-task');
    const probe = firstContainer(svc).readinessProbe;
    delete probe.periodSeconds;
    probe.failureThreshold = 3;
    expect(only(validate(svc)).errors).toEqual([
      expect.objectContaining({
        field: 'spec.template.spec.containers[0].readinessProbe.failureThreshold',
        message: 'failureThreshold is disallowed when periodSeconds is zero',
      }),
    ]);
    delete probe.failureThreshold;
    expect(only(validate(svc)).errors).toEqual([]);
  });

  it('rejects a reserved environment variable and a min-scale over max-scale, each at its field', () => {
    const svc = find('Service', 'create-task');
    const at = firstContainer(svc).env.push({ name: 'K_SERVICE', value: 'x' }) - 1;
    svc.spec.template.metadata.annotations['autoscaling.knative.dev/min-scale'] = '5';
    svc.spec.template.metadata.annotations['autoscaling.knative.dev/max-scale'] = '2';
    const fields = only(validate(svc)).errors.map((e) => e.field);
    expect(fields).toContain(`spec.template.spec.containers[0].env[${at}].name`);
    expect(fields.some((f) => f.includes('autoscaling.knative.dev/min-scale'))).toBe(true);
  });

  it('rejects a DomainMapping whose host is not a domain name', () => {
    const dm = {
      apiVersion: 'serving.knative.dev/v1beta1',
      kind: 'DomainMapping',
      metadata: { name: 'Not_A_Host' },
      spec: { ref: { apiVersion: 'serving.knative.dev/v1', kind: 'Service', name: 'gateway' } },
    };
    const r = only(validate(dm));
    expect(r).toMatchObject({ kind: 'DomainMapping', webhook: 'serving' });
    expect(r.errors.map((e) => e.field)).toContain('metadata.name');
    dm.metadata.name = 'taskwire.example.org';
    expect(only(validate(dm)).errors).toEqual([]);
  });

  it('rejects a DomainMapping that points into another namespace', () => {
    const dm = {
      apiVersion: 'serving.knative.dev/v1beta1',
      kind: 'DomainMapping',
      metadata: { name: 'taskwire.example.org' },
      spec: {
        ref: { apiVersion: 'serving.knative.dev/v1', kind: 'Service', name: 'gateway', namespace: 'other' },
      },
    };
    expect(only(validate(dm)).errors).toEqual([
      expect.objectContaining({ field: 'spec.ref.namespace', message: expect.stringContaining('namespace') }),
    ]);
  });
});

describe('Knative Eventing validation (knative.dev/eventing)', () => {
  const ping = () => find('PingSource');

  it('parses the rendered PingSource schedule and rejects an impossible one at spec.schedule', () => {
    expect(only(validate(ping())).errors).toEqual([]);
    const bad = ping();
    bad.spec.schedule = '61 * * * *';
    expect(only(validate(bad)).errors).toEqual([
      expect.objectContaining({ field: 'spec.schedule', message: expect.stringContaining('invalid value') }),
    ]);
  });

  it('rejects @every, which PingSource does not support, and an unknown time zone', () => {
    const every = ping();
    every.spec.schedule = '@every 5m';
    expect(only(validate(every)).errors.map((e) => e.field)).toContain('spec.schedule');
    const zone = ping();
    zone.spec.timezone = 'Mars/Olympus_Mons';
    expect(only(validate(zone)).errors.map((e) => e.field)).toEqual(['spec.timezone']);
  });

  it('admits a schedule in a real time zone (tzdata is built in)', () => {
    const zoned = ping();
    zoned.spec.timezone = 'Europe/Dublin';
    expect(only(validate(zoned)).errors).toEqual([]);
  });

  it('rejects a Trigger with an invalid filter attribute and a malformed backoffDelay', () => {
    const trigger = find('Trigger');
    expect(only(validate(trigger)).errors).toEqual([]);
    trigger.spec.filter.attributes = { 'Bad-Name': 'x' };
    trigger.spec.delivery.backoffDelay = 'ten seconds';
    const fields = only(validate(trigger)).errors.map((e) => e.field);
    expect(fields).toContain('spec.filter.attributes[Bad-Name]');
    expect(fields).toContain('spec.delivery.backoffDelay');
  });

  it('rejects a field eventing does not know (its webhook decodes strictly)', () => {
    const sb = find('SinkBinding');
    sb.spec.sinc = sb.spec.sink;
    const r = only(validate(sb));
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]!.message).toMatch(/cannot decode.*unknown field "sinc"/);
  });
});

describe('npm run validate:cluster', () => {
  const cli = (...extra: string[]) =>
    spawnSync(process.execPath, ['--import', 'tsx', 'scripts/validate-cluster.ts', ...extra], {
      cwd: ROOT,
      encoding: 'utf8',
      maxBuffer: 64 << 20,
    });

  it('passes over every render of the chart and the plain manifests, every Knative resource admitted', () => {
    const r = cli();
    const lines = r.stdout.trim().split('\n');
    expect(lines.at(-1), r.stdout + r.stderr).toMatch(
      new RegExp(
        `^validate:cluster: ${RENDERS.length} renders \\+ \\d+ manifest files, \\d+ resources \\(\\d+ through Knative's webhooks\\), 0 problems$`,
      ),
    );
    expect(r.status).toBe(0);
    const [, resources, knative] = /, (\d+) resources \((\d+) through/.exec(lines.at(-1)!)!;
    // Each render holds a Service per function plus the gateway: all of them went through the webhook.
    expect(Number(knative)).toBeGreaterThan(RENDERS.length * (FUNCTIONS.length + 1));
    expect(Number(resources)).toBeGreaterThan(Number(knative));
  }, 300_000);

  it('fails on a broken manifest given beside them, naming manifest, resource and field, summary last', () => {
    const svc = find('Service', 'create-task');
    firstContainer(svc).ports[0].containerPort = 9090;
    svc.spec.template.spec.timeoutSeconds = 3600;
    const file = path.join(work, 'broken.yaml');
    writeFileSync(file, stringify(svc));
    const r = cli(file);
    expect(r.status, r.stdout + r.stderr).toBe(1);
    const lines = r.stdout.trim().split('\n');
    expect(lines.at(-1)).toMatch(/^validate:cluster: .*, 2 problems$/);
    const problems = lines.filter((l) => l.startsWith(file));
    expect(problems).toHaveLength(2);
    expect(problems).toContainEqual(
      expect.stringMatching(
        /: Service\/create-task: spec\.template\.spec\.containers\[0\]\.ports\.containerPort: .*9090 is a reserved port.*\[knative serving webhook\]$/,
      ),
    );
    expect(problems).toContainEqual(
      expect.stringMatching(/: Service\/create-task: spec\.template\.spec\.timeoutSeconds: .*3600/),
    );
  }, 300_000);
});
