/**
 * The chart and the generated manifests, proven without a cluster: helm lint, helm template with each
 * values file validated strictly by kubeconform (core kinds and Knative/Dapr custom resources), and
 * policies over what is rendered. Generated files must match the function declarations.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { DaprBus } from '../../core/adapters/bus/dapr';
import { DaprSidecar } from '../../core/adapters/dapr/sidecar';
import { createLogger } from '../../core/observability/logger';
import { FUNCTIONS } from '../../functions';
import { deploymentModel } from '../../scripts/deploy-model';
import { daprSubscriptions, driftedDeployFiles } from '../../scripts/gen-knative';
import { CHART, daprEventing, docs, helmTemplate, type Manifest, ofKind, render, VARIANTS } from './render';
import { KUBE_VERSION, kubeconform, ROOT, run, tool } from './tools';

const names = (ms: Manifest[]) => new Set(ms.map((m) => m.metadata.name as string));

describe('helm chart', () => {
  it('passes helm lint with each values file', () => {
    for (const file of ['values-minikube.yaml', 'values-cloud.yaml']) {
      const r = run(tool('helm'), [
        'lint',
        CHART,
        '--strict',
        '--kube-version',
        KUBE_VERSION,
        '-f',
        `${CHART}/${file}`,
      ]);
      expect(r.status, `${file}:\n${r.stdout}${r.stderr}`).toBe(0);
    }
  });

  it('the environment values files only set keys the chart defines', () => {
    const base = parseYaml(readFileSync(path.join(ROOT, CHART, 'values.yaml'), 'utf8')) as Manifest;
    const unknown = (v: Manifest, b: Manifest, at: string): string[] =>
      Object.entries(v).flatMap(([k, val]) => {
        const where = at ? `${at}.${k}` : k;
        if (at === 'functions.overrides' || at === 'config') return [];
        if (!(k in b)) return [where];
        return val && typeof val === 'object' && !Array.isArray(val) && b[k] && typeof b[k] === 'object'
          ? unknown(val, b[k], where)
          : [];
      });
    for (const file of ['values-minikube.yaml', 'values-cloud.yaml']) {
      const values = parseYaml(readFileSync(path.join(ROOT, CHART, file), 'utf8')) as Manifest;
      expect(unknown(values, base, ''), file).toEqual([]);
      for (const id of Object.keys(values.functions?.overrides ?? {})) {
        expect(
          FUNCTIONS.map((f) => f.id),
          `${file}: functions.overrides.${id}`,
        ).toContain(id);
      }
    }
  });

  for (const variant of VARIANTS) {
    describe(`rendered for ${variant.name}`, () => {
      it('is valid, strictly, for Kubernetes, Knative and Dapr', () => {
        const { text, manifests } = render(variant);
        expect(manifests.length).toBeGreaterThan(FUNCTIONS.length);
        const { errors } = kubeconform({ stdin: text });
        expect(errors).toEqual([]);
      });

      it('every container has requests, limits, probes on /ready and /live, and a locked-down securityContext', () => {
        const services = ofKind(render(variant).manifests, 'Service');
        for (const svc of services) {
          const spec = svc.spec.template.spec;
          const annotations = svc.spec.template.metadata.annotations ?? {};
          const mounts = new Map((spec.volumes ?? []).map((v: Manifest) => [v.name, v]));
          for (const c of spec.containers as Manifest[]) {
            const where = `${svc.metadata.name}/${c.name}`;
            for (const kind of ['requests', 'limits']) {
              expect(c.resources?.[kind]?.cpu, `${where} ${kind}.cpu`).toBeTruthy();
              expect(c.resources?.[kind]?.memory, `${where} ${kind}.memory`).toBeTruthy();
            }
            expect(c.readinessProbe?.httpGet?.path, `${where} readiness`).toBe('/ready');
            expect(c.livenessProbe?.httpGet?.path, `${where} liveness`).toBe('/live');
            expect(c.securityContext, where).toMatchObject({
              runAsNonRoot: true,
              readOnlyRootFilesystem: true,
              allowPrivilegeEscalation: false,
              capabilities: { drop: ['ALL'] },
            });
            expect(c.securityContext.runAsUser, where).toBeGreaterThan(0);
            // The root filesystem is read-only: the one writable place is an emptyDir on /tmp.
            const tmp = (c.volumeMounts ?? []).find((m: Manifest) => m.mountPath === '/tmp');
            expect(
              tmp && (mounts.get(tmp.name) as Manifest | undefined)?.emptyDir,
              `${where} /tmp`,
            ).toBeTruthy();
            expect(c.image, where).toMatch(/:[\w.-]+$/);
          }
          if (annotations['dapr.io/enabled'] === 'true') {
            expect(annotations['dapr.io/app-id']).toBe(svc.metadata.name);
            expect(annotations['dapr.io/app-port']).toBe('8080');
            // Knative's queue-proxy serves metrics on 9090.
            expect(annotations['dapr.io/metrics-port']).not.toBe('9090');
            for (const a of ['cpu-request', 'memory-request', 'cpu-limit', 'memory-limit']) {
              expect(
                annotations[`dapr.io/sidecar-${a}`],
                `${svc.metadata.name} dapr sidecar ${a}`,
              ).toBeTruthy();
            }
          }
        }
      });

      it('holds no secret value: Secrets are referenced by name only', () => {
        const { text, manifests } = render(variant);
        expect(ofKind(manifests, 'Secret')).toEqual([]);
        expect(text).not.toMatch(/:\/\/[^\s/:@"']+:[^\s/@"']+@/); // credentials in a URL
        expect(text).not.toMatch(/BEGIN [A-Z ]*PRIVATE KEY/);
        const secretish = /(TOKEN|PASSWORD|SECRET|API_KEY|DATABASE_URL|SMTP_URL)$/;
        for (const cm of ofKind(manifests, 'ConfigMap')) {
          for (const key of Object.keys(cm.data ?? {}))
            expect(key, `ConfigMap ${cm.metadata.name}`).not.toMatch(secretish);
        }
        for (const svc of ofKind(manifests, 'Service')) {
          for (const c of svc.spec.template.spec.containers as Manifest[]) {
            for (const e of c.env ?? []) {
              if (secretish.test(e.name)) {
                expect(e.value, `${svc.metadata.name} env ${e.name}`).toBeUndefined();
                expect(e.valueFrom?.secretKeyRef?.name, `${svc.metadata.name} env ${e.name}`).toBeTruthy();
              }
            }
          }
        }
      });

      it('every function in code has a Service; only the gateway is public', () => {
        const services = ofKind(render(variant).manifests, 'Service');
        expect([...names(services)].sort()).toEqual([...FUNCTIONS.map((f) => f.id), 'gateway'].sort());
        for (const svc of services) {
          const visibility = svc.metadata.labels?.['networking.knative.dev/visibility'];
          expect(visibility, svc.metadata.name).toBe(
            svc.metadata.name === 'gateway' ? undefined : 'cluster-local',
          );
          const env = Object.fromEntries(
            (svc.spec.template.spec.containers[0].env as Manifest[]).map((e) => [e.name, e]),
          );
          if (svc.metadata.name !== 'gateway') expect(env.FUNCTION.value).toBe(svc.metadata.name);
        }
      });

      it('every event trigger is delivered, every tick scheduled, and nothing points at a missing function', () => {
        const { manifests } = render(variant);
        const services = names(ofKind(manifests, 'Service'));
        const knative = !variant.args.includes('eventing.mode=dapr');
        const triggers = ofKind(manifests, 'Trigger');
        const pings = ofKind(manifests, 'PingSource');
        const bindings = ofKind(manifests, 'Component').filter((c) => c.spec.type === 'bindings.cron');
        const subscriptions = ofKind(manifests, 'Subscription');
        for (const fn of FUNCTIONS) {
          // Every pod of a broadcast function needs every event, which a Trigger cannot do (it picks
          // one pod): on Knative such a function follows the outbox instead, and has no Trigger.
          if (knative && fn.broadcast) {
            expect(
              triggers.filter((t) => t.spec.subscriber.ref.name === fn.id),
              `no Trigger for broadcast ${fn.id}`,
            ).toEqual([]);
            continue;
          }
          for (const def of fn.on) {
            if (knative) {
              const t = triggers.find(
                (x) => x.spec.filter.attributes.type === def.type && x.spec.subscriber.ref.name === fn.id,
              );
              expect(t, `Trigger for ${fn.id} ← ${def.type}`).toBeTruthy();
              expect(t!.spec.delivery).toMatchObject({
                retry: fn.delivery.retry,
                backoffPolicy: fn.delivery.backoffPolicy,
              });
              const ordered = fn.ordered || def.topic === 'task-events';
              expect(
                t!.metadata.annotations['kafka.eventing.knative.dev/delivery.order'],
                `${t!.metadata.name}`,
              ).toBe(ordered ? 'ordered' : 'unordered');
            } else {
              const sub = subscriptions.find(
                (s) => s.scopes.includes(fn.id) && s.spec.routes.rules[0].match.includes(`"${def.type}"`),
              );
              expect(sub, `Subscription for ${fn.id} ← ${def.type}`).toBeTruthy();
            }
          }
          if (fn.tick) {
            if (knative) {
              const ping = pings.find((p) => p.spec.sink.ref.name === fn.id);
              expect(ping?.spec).toMatchObject({ schedule: fn.tick.cron, sink: { uri: '/tick' } });
            } else {
              const binding = bindings.find((b) => b.scopes?.includes(fn.id));
              expect(binding?.metadata.name).toBe(`${fn.id}-tick`);
              expect(binding?.spec.metadata).toContainEqual({ name: 'schedule', value: `0 ${fn.tick.cron}` });
            }
          }
        }
        const expectedTriggers = knative
          ? FUNCTIONS.reduce((n, f) => n + (f.broadcast ? 0 : f.on.length), 0)
          : 0;
        expect(triggers).toHaveLength(expectedTriggers);
        for (const t of triggers) {
          expect(services, `${t.metadata.name} subscriber`).toContain(t.spec.subscriber.ref.name);
          expect(services, `${t.metadata.name} dead letters`).toContain(
            t.spec.delivery.deadLetterSink.ref.name,
          );
          expect(t.spec.broker).toBe(ofKind(manifests, 'Broker')[0]?.metadata.name);
        }
        for (const p of pings) expect(services, p.metadata.name).toContain(p.spec.sink.ref.name);
        for (const s of [...subscriptions, ...bindings])
          for (const scope of s.scopes) expect(services).toContain(scope);
        if (knative) {
          const binding = ofKind(manifests, 'SinkBinding')[0];
          expect(binding?.spec.sink.ref).toMatchObject({
            kind: 'Broker',
            name: ofKind(manifests, 'Broker')[0]?.metadata.name,
          });
        }
      });

      it('keeps what must stay up at one instance or more, with a PodDisruptionBudget', () => {
        const { manifests } = render(variant);
        const services = ofKind(manifests, 'Service');
        const pdbs = ofKind(manifests, 'PodDisruptionBudget');
        for (const m of deploymentModel()) {
          const svc = services.find((s) => s.metadata.name === m.id)!;
          const min = Number(svc.spec.template.metadata.annotations['autoscaling.knative.dev/min-scale']);
          expect(min, m.id).toBeGreaterThanOrEqual(m.minScale);
          const env = Object.fromEntries(
            (svc.spec.template.spec.containers[0].env as Manifest[]).map((e) => [e.name, e.value]),
          );
          expect(env.TICKS, m.id).toBe(m.ticks);
          const pdb = pdbs.find((p) => p.spec.selector.matchLabels['serving.knative.dev/service'] === m.id);
          expect(Boolean(pdb), `PDB for ${m.id} (min-scale ${min})`).toBe(min >= 1);
        }
      });

      it('grants least privilege and denies ingress by default', () => {
        const { manifests } = render(variant);
        for (const role of ofKind(manifests, 'Role')) {
          for (const rule of role.rules) {
            expect(rule.verbs).toEqual(['get']);
            expect(rule.resources).toEqual(['secrets']);
            expect(rule.resourceNames?.length).toBeGreaterThan(0);
          }
        }
        expect(ofKind(manifests, 'ClusterRole')).toEqual([]);
        const deny = ofKind(manifests, 'NetworkPolicy').find((n) => !n.spec.ingress);
        expect(deny?.spec.policyTypes).toEqual(['Ingress']);
        for (const svc of ofKind(manifests, 'Service'))
          expect(svc.spec.template.spec.serviceAccountName).toBe('taskwire');
      });

      it("leaves Knative's fast start-up probing on: readiness probes without periodSeconds", () => {
        // queue-proxy probes every 50 ms from start-up only when periodSeconds is 0 (omitted); Knative
        // then also forbids failureThreshold and timeoutSeconds on the probe.
        for (const svc of ofKind(render(variant).manifests, 'Service')) {
          for (const c of svc.spec.template.spec.containers as Manifest[]) {
            const where = `${svc.metadata.name}/${c.name}`;
            expect(c.readinessProbe?.httpGet?.path, where).toBe('/ready');
            expect(c.readinessProbe.periodSeconds ?? 0, `${where} readiness periodSeconds`).toBe(0);
            expect(c.readinessProbe.failureThreshold, `${where} readiness failureThreshold`).toBeUndefined();
            expect(c.readinessProbe.timeoutSeconds, `${where} readiness timeoutSeconds`).toBeUndefined();
          }
        }
      });

      it('drains and upgrades proceed: every PodDisruptionBudget allows one instance to go', () => {
        const pdbs = ofKind(render(variant).manifests, 'PodDisruptionBudget');
        expect(pdbs.length).toBeGreaterThan(0);
        for (const pdb of pdbs) {
          expect(pdb.spec.minAvailable, pdb.metadata.name).toBeUndefined();
          expect(pdb.spec.maxUnavailable, pdb.metadata.name).toBeGreaterThanOrEqual(1);
        }
      });

      it('keeps every consumer and ticked function awake when Dapr delivers the events', () => {
        // daprd hands messages and cron ticks to the app on localhost, past queue-proxy: the autoscaler
        // never sees them, so a function at zero would never be woken.
        const services = ofKind(render(variant).manifests, 'Service');
        const dapr = daprEventing(variant);
        for (const fn of FUNCTIONS) {
          const svc = services.find((s) => s.metadata.name === fn.id)!;
          const min = Number(svc.spec.template.metadata.annotations['autoscaling.knative.dev/min-scale']);
          if (dapr && (fn.on.length > 0 || fn.tick))
            expect(min, `${fn.id} min-scale`).toBeGreaterThanOrEqual(1);
        }
        if (!dapr) {
          // Over the KafkaBroker a delivery is an HTTP request through the activator: consumers scale to zero.
          const audit = services.find((s) => s.metadata.name === 'audit-sink')!;
          expect(audit.spec.template.metadata.annotations['autoscaling.knative.dev/min-scale']).toBe('0');
        }
      });

      it("bounds every instance's PostgreSQL connections with a small pool", () => {
        const { manifests } = render(variant);
        for (const svc of ofKind(manifests, 'Service').filter((s) => s.metadata.name !== 'gateway')) {
          const env = Object.fromEntries(
            (svc.spec.template.spec.containers[0].env as Manifest[]).map((e) => [e.name, e.value]),
          );
          const pool = Number(env.DATABASE_POOL_MAX);
          expect(pool, `${svc.metadata.name} DATABASE_POOL_MAX`).toBeGreaterThanOrEqual(1);
          expect(pool, `${svc.metadata.name} DATABASE_POOL_MAX`).toBeLessThanOrEqual(5);
        }
        const state = ofKind(manifests, 'Component').find((c) => c.spec.type === 'state.postgresql');
        if (state) {
          const maxConns = state.spec.metadata.find((m: Manifest) => m.name === 'maxConns')?.value;
          // The component applies only values above 1 (else max(4, CPUs)).
          expect(Number(maxConns), 'the Dapr state store pool').toBeGreaterThanOrEqual(2);
          expect(Number(maxConns), 'the Dapr state store pool').toBeLessThanOrEqual(5);
        }
      });
    });
  }

  it('differs between Minikube and cloud only where the values differ', () => {
    const mini = render(VARIANTS[0]!).manifests;
    const cloud = render(VARIANTS[1]!).manifests;
    const kinds = (ms: Manifest[]) =>
      ms
        .map((m) => `${m.kind}/${m.metadata.name}`)
        .filter((k) => !k.startsWith('PodDisruptionBudget/') && !k.startsWith('DomainMapping/'));
    expect(kinds(cloud).sort()).toEqual(kinds(mini).sort());
    const image = (ms: Manifest[]) => ofKind(ms, 'Service')[0]!.spec.template.spec.containers[0].image;
    expect(image(mini)).not.toBe(image(cloud));
    expect(ofKind(cloud, 'DomainMapping')).toHaveLength(1);
  });
});

describe('images a real cluster can run', () => {
  /** Knative resolves every other registry's tags before it creates a Revision (config-deployment). */
  const SKIPS_TAG_RESOLUTION = /^(dev\.local|ko\.local|kind\.local)\//;
  const images = (ms: Manifest[]) =>
    ofKind(ms, 'Service').flatMap((s) =>
      (s.spec.template.spec.containers as Manifest[]).map((c) => ({
        svc: s.metadata.name as string,
        image: c.image as string,
        pullPolicy: c.imagePullPolicy as string,
      })),
    );

  it('on Minikube: an image loaded into the cluster under a name Knative does not look up', () => {
    for (const { svc, image, pullPolicy } of images(render(VARIANTS[0]!).manifests)) {
      expect(image, svc).toMatch(SKIPS_TAG_RESOLUTION);
      expect(pullPolicy, svc).toBe('Never');
    }
    const plain = readdirSync(path.join(ROOT, 'knative/functions')).map((f) => `knative/functions/${f}`);
    for (const file of [...plain, 'knative/gateway.yaml']) {
      for (const { svc, image } of images(docs(readFileSync(path.join(ROOT, file), 'utf8'))))
        expect(image, `${file} ${svc}`).toMatch(SKIPS_TAG_RESOLUTION);
    }
  });

  it('in the cloud: every Knative Service names the image pull secret, and its name is a setting', () => {
    for (const svc of ofKind(render(VARIANTS[1]!).manifests, 'Service'))
      expect(svc.spec.template.spec.imagePullSecrets, svc.metadata.name).toEqual([
        { name: 'taskwire-registry' },
      ]);
    const renamed = docs(
      helmTemplate(['-f', `${CHART}/values-cloud.yaml`, '--set', 'image.pullSecrets={ghcr-pull}']),
    );
    const services = ofKind(renamed, 'Service');
    expect(services.length).toBe(FUNCTIONS.length + 1);
    for (const svc of services)
      expect(svc.spec.template.spec.imagePullSecrets, svc.metadata.name).toEqual([{ name: 'ghcr-pull' }]);
  });

  it("the pool size is a setting per function, defaulting to the chart's", () => {
    const ms = docs(
      helmTemplate([
        '-f',
        `${CHART}/values-cloud.yaml`,
        '--set',
        'functions.defaults.databasePoolMax=4',
        '--set',
        'functions.overrides.audit-sink.databasePoolMax=2',
      ]),
    );
    const pool = (id: string) =>
      ofKind(ms, 'Service')
        .find((s) => s.metadata.name === id)!
        .spec.template.spec.containers[0].env.find((e: Manifest) => e.name === 'DATABASE_POOL_MAX').value;
    expect(pool('audit-sink')).toBe('2');
    expect(pool('create-task')).toBe('4');
  });
});

describe('generated manifests (knative/, dapr/, the chart model)', () => {
  it('match the function declarations (run npm run gen:knative when this fails)', () => {
    expect(driftedDeployFiles()).toEqual([]);
  });

  it('are valid, strictly', () => {
    const files = (dir: string): string[] =>
      readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((e) =>
        e.isDirectory()
          ? files(path.join(dir, e.name))
          : e.name.endsWith('.yaml')
            ? [path.join(dir, e.name)]
            : [],
      );
    const manifests = [
      ...files('knative'),
      ...files('dapr').filter((f) => f !== path.join('dapr', 'dapr.yaml')),
    ];
    expect(manifests.length).toBeGreaterThan(FUNCTIONS.length);
    expect(kubeconform({ files: manifests }).errors).toEqual([]);
  });

  it('declare the same Dapr subscriptions a function answers on GET /dapr/subscribe', () => {
    const models = deploymentModel();
    for (const fn of FUNCTIONS.filter((f) => f.on.length > 0)) {
      const bus = new DaprBus({
        sidecar: new DaprSidecar({ baseUrl: 'http://127.0.0.1:1' }),
        pubsubName: 'taskwire-pubsub',
        broadcastPubsubName: 'taskwire-broadcast',
        deadLetters: { record: async () => {} },
        log: createLogger({ level: 'silent' }),
      });
      bus.subscribe({
        consumer: fn.id,
        types: fn.on.map((d) => d.type),
        deliver: async () => ({ status: 200 }),
        delivery: fn.delivery,
        broadcast: (fn as { broadcast?: boolean }).broadcast === true,
      });
      const model = models.find((m) => m.id === fn.id)!;
      expect(daprSubscriptions(model), fn.id).toEqual(bus.subscriptions());
    }
  });

  it('the multi-app run file starts every function with its own ports', () => {
    const file = parseYaml(readFileSync(path.join(ROOT, 'dapr/dapr.yaml'), 'utf8')) as Manifest;
    expect(file.apps.map((a: Manifest) => a.appID)).toEqual(FUNCTIONS.map((f) => f.id));
    for (const key of ['appPort', 'daprHTTPPort', 'daprGRPCPort', 'metricsPort']) {
      const ports = file.apps.map((a: Manifest) => a[key]);
      expect(new Set(ports).size, key).toBe(ports.length);
    }
    expect(file.apps.every((a: Manifest) => a.env.FUNCTION === a.appID)).toBe(true);
  });
});
