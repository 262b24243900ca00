/**
 * Writes the JSON Schemas of the core Kubernetes kinds the chart renders into deploy/schemas/kubernetes,
 * self-contained (every referenced definition inlined), laid out for kubeconform's -schema-location.
 *
 * Source: the strict, per-version schemas generated from the Kubernetes OpenAPI document that the
 * `kubernetes-validate` package ships (Apache-2.0). Once per Kubernetes version bump:
 *   pip download --no-deps kubernetes-validate==1.37.0 -d /tmp/kv && unzip -q -d /tmp/kv /tmp/kv/*.whl
 *   node --import tsx scripts/vendor-k8s-schemas.ts /tmp/kv/kubernetes_validate/kubernetes-json-schema 1.33.0
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The core kinds the chart renders (file names as kubeconform asks for them). */
export const CORE_KINDS = [
  'configmap-v1',
  'serviceaccount-v1',
  'role-rbac-v1',
  'rolebinding-rbac-v1',
  'networkpolicy-networking-v1',
  'poddisruptionbudget-policy-v1',
  'podspec-v1',
];

type Json = Record<string, unknown>;

function standalone(schema: Json, defs: Record<string, Json>): Json {
  const needed = new Map<string, Json>();
  const rewrite = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(rewrite);
    if (!node || typeof node !== 'object') return node;
    const out: Json = {};
    for (const [k, v] of Object.entries(node as Json)) {
      if (k === '$ref' && typeof v === 'string') {
        const name = v.slice(v.indexOf('#/$defs/') + '#/$defs/'.length);
        if (!defs[name]) throw new Error(`unknown definition ${v}`);
        if (!needed.has(name)) {
          needed.set(name, {});
          needed.set(name, rewrite(defs[name]) as Json);
        }
        out[k] = `#/$defs/${name}`;
      } else out[k] = rewrite(v);
    }
    return out;
  };
  const { $id: _id, ...rest } = rewrite(schema) as Json;
  return { ...rest, $defs: Object.fromEntries([...needed].sort(([a], [b]) => (a < b ? -1 : 1))) };
}

function main(): void {
  const [source, version] = process.argv.slice(2);
  if (!source || !version)
    throw new Error('usage: vendor-k8s-schemas.ts <kubernetes-json-schema dir> <version, e.g. 1.33.0>');
  const dir = path.join(source, `v${version}-local-strict`);
  const defs = (
    JSON.parse(readFileSync(path.join(dir, '_definitions.json'), 'utf8')) as { $defs: Record<string, Json> }
  ).$defs;
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  const out = path.join(root, 'deploy', 'schemas', 'kubernetes', `v${version}-standalone-strict`);
  mkdirSync(out, { recursive: true });
  for (const kind of CORE_KINDS) {
    const schema = JSON.parse(readFileSync(path.join(dir, `${kind}.json`), 'utf8')) as Json;
    writeFileSync(path.join(out, `${kind}.json`), `${JSON.stringify(standalone(schema, defs), null, 2)}\n`);
  }
  console.log(`wrote ${CORE_KINDS.length} schemas to ${path.relative(root, out)}`);
}

main();
