/**
 * knative/kn.sh read as the commands it runs: what `kn service create` gives each function (the labels
 * the SinkBinding selects, so every function gets K_SINK), and the RBAC the Dapr kubernetes secret
 * store needs to read the Secrets the functions name.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FUNCTIONS } from '../../functions';
import { ROOT } from './tools';

/** Shell words of one command line: quotes removed, `$VAR`s kept as written. */
function words(line: string): string[] {
  const out: string[] = [];
  const re = /'([^']*)'|"((?:[^"\\]|\\.)*)"|([^\s'"]+)/g;
  let current = '';
  let last = -1;
  for (const m of line.matchAll(re)) {
    const part = m[1] ?? m[2] ?? m[3] ?? '';
    // Adjacent quoted and bare parts (e.g. --env "A=B"C) form one word.
    if (last === m.index && out.length) current = `${out.pop()}${part}`;
    else current = part;
    out.push(current);
    last = m.index + m[0].length;
  }
  return out;
}

/** kn.sh as commands: continuation lines joined, comments and blank lines dropped. */
function commands(): string[][] {
  const text = readFileSync(path.join(ROOT, 'knative/kn.sh'), 'utf8').replace(/\\\n\s*/g, ' ');
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .map(words);
}

/** Values of a repeated flag, in either `--flag value` or `--flag=value` form. */
function flag(cmd: string[], name: string): string[] {
  const values: string[] = [];
  cmd.forEach((w, i) => {
    if (w === name && cmd[i + 1] !== undefined) values.push(cmd[i + 1]!);
    else if (w.startsWith(`${name}=`)) values.push(w.slice(name.length + 1));
  });
  return values;
}

const labelsOf = (cmd: string[]) =>
  Object.fromEntries(flag(cmd, '--label').map((l) => l.split('=', 2) as [string, string]));

const services = () =>
  new Map(
    commands()
      .filter((c) => c[0] === 'kn' && c[1] === 'service' && c[2] === 'create')
      .map((c) => [c[3]!, c]),
  );

describe('knative/kn.sh', () => {
  it('creates a Service for every function and the gateway', () => {
    expect([...services().keys()].sort()).toEqual([...FUNCTIONS.map((f) => f.id), 'gateway'].sort());
  });

  it('labels every function so the SinkBinding selects it (K_SINK), and only the functions', () => {
    const binding = commands().find((c) => c[0] === 'kn' && c[1] === 'source' && c[2] === 'binding');
    expect(binding, 'kn source binding create').toBeTruthy();
    const [kind, apiVersion, selector] = flag(binding!, '--subject')[0]!.split(/:(?=[^/])/);
    expect([kind, apiVersion]).toEqual(['Service', 'serving.knative.dev/v1']);
    const wanted = Object.fromEntries(selector!.split(',').map((l) => l.split('=', 2) as [string, string]));
    expect(wanted).toMatchObject({ 'app.kubernetes.io/component': 'function' });
    for (const [name, cmd] of services()) {
      const labels = labelsOf(cmd);
      const selected = Object.entries(wanted).every(([k, v]) => labels[k] === v);
      expect(selected, `${name} ${JSON.stringify(labels)}`).toBe(name !== 'gateway');
    }
  });

  it('lets the Dapr sidecar read exactly the Secrets the functions name, as their service account', () => {
    const all = commands();
    const role = all.find((c) => c.includes('create') && c.includes('role'));
    expect(role, 'kubectl create role').toBeTruthy();
    const roleName = role![role!.indexOf('role') + 1]!;
    expect(flag(role!, '--verb')).toEqual(['get']);
    expect(flag(role!, '--resource')).toEqual(['secrets']);
    const readable = flag(role!, '--resource-name');

    const binding = all.find((c) => c.includes('create') && c.includes('rolebinding'));
    expect(binding, 'kubectl create rolebinding').toBeTruthy();
    expect(flag(binding!, '--role')).toEqual([roleName]);
    const [subject] = flag(binding!, '--serviceaccount');

    for (const [name, cmd] of services()) {
      if (name === 'gateway') continue;
      expect(`$NS:${flag(cmd, '--service-account')[0]}`, name).toBe(subject);
      const env = Object.fromEntries(
        flag(cmd, '--env').map((e) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)]),
      );
      expect(env.DAPR_SECRET_STORE, name).toBe('taskwire-secrets');
      for (const ref of env.DAPR_SECRETS!.split(',')) {
        const secret = ref.split('=')[1]!.split('/')[0]!;
        expect(readable, `${name} reads ${secret}`).toContain(secret);
      }
    }
    // The secret store component the role serves is the kubernetes one.
    const store = readFileSync(path.join(ROOT, 'dapr/components/secretstore.yaml'), 'utf8');
    expect(store).toContain('secretstores.kubernetes');
  });

  it("keeps Knative's fast start-up probing: readiness probes get no period", () => {
    for (const [name, cmd] of services()) {
      expect(flag(cmd, '--probe-readiness'), name).toEqual(['http::8080:/ready']);
      for (const opts of flag(cmd, '--probe-readiness-opts'))
        expect(opts, name).not.toMatch(/PeriodSeconds|FailureThreshold|TimeoutSeconds/i);
    }
  });

  it('gives every function the small database pool and can name a pull secret', () => {
    const text = readFileSync(path.join(ROOT, 'knative/kn.sh'), 'utf8');
    for (const [name, cmd] of services()) {
      if (name !== 'gateway') expect(flag(cmd, '--env'), name).toContain('DATABASE_POOL_MAX=3');
      // biome-ignore lint/suspicious/noTemplateCurlyInString: shell parameter expansion, not a template
      expect(cmd.join(' '), name).toContain('${PULL_SECRET:+--pull-secret $PULL_SECRET}');
    }
    expect(text).toMatch(/IMAGE=dev\.local\/taskwire:dev/);
  });
});
