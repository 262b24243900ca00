/**
 * The chart rendered the way the deployment tests read it: `helm template` with each values file and
 * the other profiles the chart supports, parsed into manifests (cached per variant).
 */
import { parseAllDocuments } from 'yaml';
import { KUBE_VERSION, run, tool } from './tools';

// biome-ignore lint/suspicious/noExplicitAny: manifests are asserted field by field
export type Manifest = Record<string, any>;

export const CHART = 'helm/taskwire';

export interface Variant {
  name: string;
  args: string[];
}

/** Each environment's values file, and the other profiles the chart supports. */
export const VARIANTS: Variant[] = [
  { name: 'minikube', args: ['-f', `${CHART}/values-minikube.yaml`] },
  { name: 'cloud', args: ['-f', `${CHART}/values-cloud.yaml`] },
  {
    name: 'cloud, Dapr pub/sub with declarative subscriptions',
    args: [
      '-f',
      `${CHART}/values-cloud.yaml`,
      '--set',
      'eventing.mode=dapr',
      '--set',
      'dapr.subscriptions=declarative',
    ],
  },
  {
    name: 'minikube without Dapr (secrets as env)',
    args: [
      '-f',
      `${CHART}/values-minikube.yaml`,
      '--set',
      'dapr.enabled=false',
      '--set',
      'secrets.source=env',
    ],
  },
];

export function helmTemplate(args: string[]): string {
  const r = run(tool('helm'), [
    'template',
    'taskwire',
    CHART,
    '--namespace',
    'taskwire',
    '--kube-version',
    KUBE_VERSION,
    ...args,
  ]);
  if (r.status !== 0) throw new Error(`helm template failed:\n${r.stderr}`);
  return r.stdout;
}

export function docs(text: string): Manifest[] {
  return parseAllDocuments(text)
    .map((d) => d.toJS() as Manifest | null)
    .filter((d): d is Manifest => d !== null && typeof d === 'object');
}

const rendered = new Map<string, { text: string; manifests: Manifest[] }>();
export function render(v: Variant) {
  let r = rendered.get(v.name);
  if (!r) {
    const text = helmTemplate(v.args);
    r = { text, manifests: docs(text) };
    rendered.set(v.name, r);
  }
  return r;
}

export const ofKind = (ms: Manifest[], kind: string) => ms.filter((m) => m.kind === kind);

/** Variants whose events travel over Dapr pub/sub instead of the KafkaBroker. */
export const daprEventing = (v: Variant) => v.args.includes('eventing.mode=dapr');
