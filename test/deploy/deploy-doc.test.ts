/**
 * DEPLOY.md held to what it claims: pinned versions, Strimzi's v1 API (validated against Strimzi's own
 * CRD schema), the KafkaBroker's TLS secret, the Minikube image name, the deployer's RBAC, and the
 * sizing and connection arithmetic recomputed from the rendered chart.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { FUNCTIONS } from '../../functions';
import { CHART, docs, type Manifest, ofKind, render, VARIANTS } from './render';
import { kubeconform, ROOT } from './tools';

const DOC = readFileSync(path.join(ROOT, 'DEPLOY.md'), 'utf8');
const values = (file: string) => parseYaml(readFileSync(path.join(ROOT, CHART, file), 'utf8')) as Manifest;

function between(start: string, end: string): string {
  const from = DOC.indexOf(start);
  const to = DOC.indexOf(end, from);
  expect(from, start).toBeGreaterThan(-1);
  expect(to, end).toBeGreaterThan(from);
  return DOC.slice(from + start.length, to);
}

/** Body rows of the markdown table(s) in `text`, as trimmed cells without emphasis. */
function rows(text: string): string[][] {
  return text
    .split('\n')
    .filter((l) => l.startsWith('|') && !/^\|\s*-/.test(l))
    .slice(1)
    .map((l) =>
      l
        .slice(1, -1)
        .split('|')
        .map((c) => c.trim().replace(/\*\*/g, '')),
    );
}

const fenced = (lang: string) =>
  [...DOC.matchAll(new RegExp(`^ *\`\`\`${lang}\\n([\\s\\S]*?)^ *\`\`\`$`, 'gm'))].map((m) => m[1]!);

const milli = (q: string) => (q.endsWith('m') ? Number(q.slice(0, -1)) : Number(q) * 1000);
const mebi = (q: string) =>
  q.endsWith('Gi') ? Number(q.slice(0, -2)) * 1024 : q.endsWith('Mi') ? Number(q.slice(0, -2)) : Number.NaN;

describe('DEPLOY.md', () => {
  it('installs pinned versions: no "latest", the same Helm everywhere', () => {
    expect(DOC).not.toMatch(/install\/latest|releases\/latest|@latest|:latest\b/);
    const pins = Object.fromEntries([...DOC.matchAll(/^export (\w+)=(\S+)/gm)].map((m) => [m[1]!, m[2]!]));
    expect(pins).toMatchObject({ KNATIVE: expect.stringMatching(/^knative-v1\.\d+\.\d+$/) });
    expect(pins.KOURIER).toMatch(/^knative-v1\.\d+\.\d+$/);
    expect(pins.STRIMZI).toMatch(/^\d+\.\d+\.\d+$/);
    expect(pins.DAPR).toMatch(/^\d+\.\d+\.\d+$/);
    // Every release download names a pinned version.
    for (const m of DOC.matchAll(/https:\/\/github\.com\/[^\s'"]+\/releases\/download\/([^/\s]+)\//g))
      expect(m[1], m[0]).toMatch(/^\$(KNATIVE|KOURIER|STRIMZI)$/);
    expect(DOC).toContain(`dapr init -k --runtime-version $DAPR`);
    // Knative's minor is the one whose Go validation runs (serving v0.(minor+27)).
    const minor = Number(pins.KNATIVE!.split('.')[1]);
    expect(DOC).toContain(`v0.${minor + 27}`);
    const helm = readFileSync(path.join(ROOT, 'scripts/install-tools.sh'), 'utf8').match(
      /HELM_VERSION="(v[\d.]+)"/,
    )![1];
    expect(DOC).toContain(`\`${helm}\``);
    expect(readFileSync(path.join(ROOT, '.github/workflows/deploy.yml'), 'utf8')).toContain(
      `version: ${helm}`,
    );
  });

  it("uses Strimzi's v1 API only, valid against Strimzi's own v1 CRD schema", () => {
    expect(DOC).not.toMatch(/kafka\.strimzi\.io\/v1(alpha|beta)/);
    expect(DOC).not.toMatch(/strimzi\.io\/(kraft|node-pools):/);
    const manifests = fenced('yaml')
      .filter((b) => b.includes('kafka.strimzi.io'))
      .flatMap(docs);
    expect(manifests.map((m) => m.kind).sort()).toEqual(['Kafka', 'KafkaNodePool']);
    for (const m of manifests) expect(m.apiVersion).toBe('kafka.strimzi.io/v1');
    const text = manifests.map((m) => `---\n${JSON.stringify(m)}\n`).join('');
    expect(kubeconform({ stdin: text }).errors).toEqual([]);
    // The Strimzi install file is the pinned release's, with its namespace set.
    expect(DOC).toMatch(
      /releases\/download\/\$STRIMZI\/strimzi-cluster-operator-\$STRIMZI\.yaml"[^\n]*\n\s*\| sed 's\/namespace: myproject\/namespace: kafka\/'/,
    );
  });

  it("puts Strimzi's cluster CA in the KafkaBroker's secret, with user.skip=true", () => {
    const kafka = fenced('yaml')
      .flatMap(docs)
      .find((m) => m.kind === 'Kafka')!;
    const cloud = values('values-cloud.yaml');
    expect(cloud.eventing.kafka.bootstrapServers).toContain(`${kafka.metadata.name}-kafka-bootstrap.kafka`);
    const secret = cloud.eventing.kafka.authSecretName as string;
    const tls = kafka.spec.kafka.listeners.find((l: Manifest) => l.tls);
    expect(cloud.eventing.kafka.bootstrapServers).toMatch(new RegExp(`:${tls.port}$`));
    const sh = fenced('sh').join('\n');
    expect(sh).toContain(
      `kubectl -n kafka get secret ${kafka.metadata.name}-cluster-ca-cert -o jsonpath='{.data.ca\\.crt}' | base64 -d > kafka-ca.crt`,
    );
    expect(sh).toMatch(
      new RegExp(
        `create secret generic ${secret} \\\\\\n\\s+--from-literal=protocol=SSL --from-literal=user\\.skip=true --from-file=ca\\.crt=kafka-ca\\.crt`,
      ),
    );
  });

  it('builds the Minikube image under the name values-minikube.yaml runs', () => {
    const image = values('values-minikube.yaml').image;
    expect(DOC).toContain(`minikube image build -t ${image.repository}:${image.tag} .`);
  });

  it('sizes Minikube from the chart: the Taskwire and Kafka broker rows, the total, the machine', () => {
    const table = rows(between('<!-- sizing:start -->', '<!-- sizing:end -->'));
    const row = (prefix: string) => table.find((r) => r[0]!.startsWith(prefix))!;
    // Taskwire: every Service's containers, its Dapr sidecar, and Knative's queue-proxy (25m, no memory).
    let cpu = 0;
    let mem = 0;
    for (const svc of ofKind(render(VARIANTS[0]!).manifests, 'Service')) {
      for (const c of svc.spec.template.spec.containers as Manifest[]) {
        cpu += milli(c.resources.requests.cpu);
        mem += mebi(c.resources.requests.memory);
      }
      const a = svc.spec.template.metadata.annotations ?? {};
      if (a['dapr.io/enabled'] === 'true') {
        cpu += milli(a['dapr.io/sidecar-cpu-request']);
        mem += mebi(a['dapr.io/sidecar-memory-request']);
      }
      cpu += 25;
    }
    const taskwire = row('Taskwire');
    expect(taskwire[0]).toContain(`${FUNCTIONS.length} functions`);
    expect([milli(taskwire[1]!), mebi(taskwire[2]!)]).toEqual([cpu, mem]);
    // The broker's dispatchers: one consumer per Trigger, 20 per dispatcher pod.
    const triggers = FUNCTIONS.reduce((n, f) => n + f.on.length, 0);
    const dispatchers = Math.ceil(triggers / 20);
    const broker = row('Kafka broker');
    expect(broker[0]).toContain(`${dispatchers} × kafka-broker-dispatcher`);
    expect(broker[3]).toContain(`${triggers} Triggers`);
    expect([milli(broker[1]!), mebi(broker[2]!)]).toEqual([
      320 + 1000 * dispatchers,
      570 + 700 * dispatchers,
    ]);
    // The total is the sum of the rows, and fits the machine the steps start.
    const total = row('total');
    const parts = table.filter((r) => r !== total);
    expect(milli(total[1]!)).toBe(parts.reduce((n, r) => n + milli(r[1]!), 0));
    expect(mebi(total[2]!)).toBe(parts.reduce((n, r) => n + mebi(r[2]!), 0));
    const start = DOC.match(/minikube start --cpus (\d+) --memory (\d+)g/)!;
    expect(milli(total[1]!)).toBeLessThanOrEqual(Number(start[1]) * 1000);
    expect(mebi(total[2]!)).toBeLessThan(Number(start[2]) * 1024);
    // The PostgreSQL the table counts is the one the steps deploy.
    expect(DOC).toMatch(/resources: \{ requests: \{ cpu: 100m, memory: 512Mi \} \}/);
    expect(row('PostgreSQL').slice(1, 3)).toEqual(['100m', '512Mi']);
  });

  it('states the connection budget each values file needs, recomputed from the chart', () => {
    const table = rows(between('<!-- budget:start -->', '<!-- budget:end -->'));
    for (const [file, variant] of [
      ['values-minikube.yaml', VARIANTS[0]!],
      ['values-cloud.yaml', VARIANTS[1]!],
    ] as const) {
      const { manifests } = render(variant);
      const state = ofKind(manifests, 'Component').find((c) => c.spec.type === 'state.postgresql');
      const stateConns = Number(
        state?.spec.metadata.find((m: Manifest) => m.name === 'maxConns')?.value ?? 0,
      );
      // Dapr's component applies only maxConns above 1; anything else is max(4, CPUs), not a bound.
      if (state) expect(stateConns).toBeGreaterThanOrEqual(2);
      let worst = 0;
      let rollout = 0;
      for (const svc of ofKind(manifests, 'Service').filter((s) => s.metadata.name !== 'gateway')) {
        const env = Object.fromEntries(
          (svc.spec.template.spec.containers[0].env as Manifest[]).map((e) => [e.name, e.value]),
        );
        const a = svc.spec.template.metadata.annotations;
        // A LISTEN connection: a function on its own timer (wakes), and on Knative a broadcast
        // function following the published rows (runtime/published-feed.ts).
        const follows =
          env.BUS === 'knative' && FUNCTIONS.some((f) => f.id === svc.metadata.name && f.broadcast);
        const perInstance =
          Number(env.DATABASE_POOL_MAX) +
          (a['dapr.io/enabled'] === 'true' ? stateConns : 0) +
          (env.TICKS === 'timer' ? 1 : 0) +
          (follows ? 1 : 0);
        worst += Number(a['autoscaling.knative.dev/max-scale']) * perInstance;
        rollout += perInstance + 1;
      }
      const row = table.find((r) => r[0] === `\`${file}\``);
      expect(row, file).toBeTruthy();
      expect(Number(row![2]), `${file} worst case`).toBe(worst);
      expect(Number(row![3]), `${file} with a rollout and 3 reserved`).toBe(worst + rollout + 3);
      expect(row![4], file).toContain(`≥ ${worst + rollout + 3}`);
      if (file === 'values-minikube.yaml') {
        const max = Number(DOC.match(/max_connections=(\d+)/)![1]);
        expect(max).toBeGreaterThanOrEqual(worst + rollout + 3);
      }
    }
  });

  it("gives CI a ServiceAccount token with RBAC for every kind the chart renders, and rejects exec plugins' kubeconfigs", () => {
    const manifests = fenced('yaml')
      .filter((b) => b.includes('taskwire-deployer'))
      .flatMap(docs);
    const role = manifests.find((m) => m.kind === 'Role')!;
    const binding = manifests.find((m) => m.kind === 'RoleBinding')!;
    const token = manifests.find((m) => m.kind === 'Secret')!;
    expect(token.type).toBe('kubernetes.io/service-account-token');
    expect(binding.roleRef.name).toBe(role.metadata.name);
    expect(binding.subjects).toEqual([
      {
        kind: 'ServiceAccount',
        name: token.metadata.annotations['kubernetes.io/service-account.name'],
        namespace: 'taskwire',
      },
    ]);
    const checked = manifests.filter((m) => m.kind !== 'Secret');
    expect(kubeconform({ stdin: checked.map((m) => `---\n${JSON.stringify(m)}\n`).join('') }).errors).toEqual(
      [],
    );

    const plural = (kind: string) => {
      const k = kind.toLowerCase();
      return k.endsWith('y') ? `${k.slice(0, -1)}ies` : `${k}s`;
    };
    const allowed = (group: string, resource: string, verb: string) =>
      role.rules.some(
        (r: Manifest) =>
          r.apiGroups.includes(group) && r.resources.includes(resource) && r.verbs.includes(verb),
      );
    const kinds = new Set<string>();
    for (const v of VARIANTS)
      for (const m of render(v).manifests)
        kinds.add(`${m.apiVersion.includes('/') ? m.apiVersion.split('/')[0] : ''}|${m.kind}`);
    expect(kinds.size).toBeGreaterThan(10);
    for (const k of kinds) {
      const [group, kind] = k.split('|') as [string, string];
      for (const verb of ['get', 'list', 'create', 'update', 'patch', 'delete'])
        expect(allowed(group, plural(kind), verb), `${verb} ${plural(kind)}.${group}`).toBe(true);
    }
    // Helm keeps releases in Secrets; the workflow writes the chart's Secrets; kubectl wait watches ksvc.
    expect(allowed('', 'secrets', 'list')).toBe(true);
    expect(allowed('serving.knative.dev', 'services', 'watch')).toBe(true);
    // No cluster-wide rights: the namespace is made once by an administrator.
    expect(manifests.filter((m) => m.kind.startsWith('Cluster'))).toEqual([]);
    // The kubeconfig built from the token calls no exec plugin.
    const kubeconfig = fenced('sh').find((b) => b.includes('deployer.kubeconfig'))!;
    expect(kubeconfig).toContain('user: { token: "$TOKEN" }');
    expect(kubeconfig).not.toMatch(/exec:/);
  });

  it('says what was proven here and what only a live cluster can prove', () => {
    const section = DOC.slice(DOC.indexOf('## What was proven here and what only a live cluster can prove'));
    expect(section.length).toBeGreaterThan(500);
    expect(section).toContain('npm run test:dapr');
    expect(section).toContain('npm run validate:cluster');
    expect(section).toMatch(/Only a live cluster can prove/);
  });
});
