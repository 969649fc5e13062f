// deploy/k8s checked without a cluster: the base and the example overlay are
// rendered as kustomize would (test/support/kustomize.ts), and every object,
// with the Secret templates, is validated against the Kubernetes schemas of
// kubernetes-models (the API's OpenAPI schemas, compiled) and, for fields
// those schemas let through (a misspelt `readinesProbe`), against the same
// models' TypeScript types, whose excess-property check refuses an unknown
// field. Then against the code: the entry points and their required
// variables, every variable one Renkei reads, probes on routes that exist,
// resources and probes on every Deployment, files on the volumes that hold
// them, the CA's key in identity alone, NetworkPolicies so that only the
// gateway reaches the subgraphs, autoscalers and disruption budgets.
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { environmentSchema, knownEnvironmentVariables, subgraphNames } from '../../lib/config';
import { repoRoot } from '../../lib/repo-paths';
import { readRepoFile } from '../support/compose-file';
import { requiredVariables } from '../support/entry-points';
import {
  containersOf,
  keyOf,
  podTemplateOf,
  readYamlObjects,
  renderKustomization,
  type K8sObject,
  type Rendered,
} from '../support/kustomize';

const k8sDir = path.join(repoRoot, 'deploy/k8s');
const base = renderKustomization(path.join(k8sDir, 'base'));
const overlay = renderKustomization(path.join(k8sDir, 'overlays/example'));
const templates = readYamlObjects(path.join(k8sDir, 'base/secrets.template.yaml'));
/** Read by the libraries, not by Renkei's config. */
const libraryVariables = ['NODE_ENV'];

type Container = {
  name: string;
  image: string;
  command?: string[];
  env?: Array<{ name: string; value?: string; valueFrom?: Record<string, { name: string; key: string }> }>;
  envFrom?: Array<{ configMapRef?: { name: string }; secretRef?: { name: string } }>;
  ports?: Array<{ name?: string; containerPort: number }>;
  volumeMounts?: Array<{ name: string; mountPath: string; readOnly?: boolean }>;
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  startupProbe?: Probe;
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
};
type Probe = { httpGet?: { path: string; port: number | string; scheme?: string } };
type Volume = {
  name: string;
  secret?: { secretName: string };
  configMap?: { name: string };
  emptyDir?: object;
  persistentVolumeClaim?: { claimName: string };
};

const byKind = (rendered: Rendered, kind: string) => rendered.objects.filter((o) => o.kind === kind);
const deployments = byKind(base, 'Deployment');
const podSpecOf = (object: K8sObject) =>
  podTemplateOf(object)?.spec as { containers: Container[]; initContainers?: Container[]; volumes?: Volume[] };
const mainContainer = (object: K8sObject) => podSpecOf(object).containers[0] as Container;
const entryOf = (container: Container) => {
  const match = /^dist\/(.+)\.js$/.exec(container.command?.[1] ?? '');
  if (container.command?.[0] !== 'node' || !match)
    throw new Error(`${container.name}: command ${JSON.stringify(container.command)} is not node dist/<entry>.js`);
  return `${match[1]}.ts`;
};
const deploymentRunning = (entry: string) => {
  const found = deployments.find((d) => entryOf(mainContainer(d)) === entry);
  if (!found) throw new Error(`no Deployment runs ${entry}`);
  return found;
};
const settings = base.objects.find((o) => keyOf(o) === 'ConfigMap/renkei-settings') as K8sObject & {
  data: Record<string, string>;
};
const templateKeys = (kind: string, name: string): string[] => {
  const object = [...templates, ...base.objects].find((o) => o.kind === kind && o.metadata.name === name) as
    | (K8sObject & { data?: Record<string, string>; stringData?: Record<string, string> })
    | undefined;
  if (!object) throw new Error(`no ${kind} ${name} in the base or secrets.template.yaml`);
  return Object.keys({ ...object.data, ...object.stringData });
};

/** The environment a container gets: literal values, and `(secret X/key)` for references; envFrom ConfigMaps expanded. */
function environmentOf(container: Container): Record<string, string> {
  const env: Record<string, string> = {};
  for (const source of container.envFrom ?? []) {
    if (source.configMapRef?.name !== 'renkei-settings')
      throw new Error(`${container.name}: envFrom ${JSON.stringify(source)} is not renkei-settings`);
    Object.assign(env, settings.data);
  }
  for (const variable of container.env ?? []) {
    const reference = variable.valueFrom?.secretKeyRef ?? variable.valueFrom?.configMapKeyRef;
    env[variable.name] = reference ? `(ref ${reference.name}/${reference.key})` : (variable.value ?? '');
  }
  return env;
}

/** The keys a volume holds, following an init container that fills an emptyDir from a Secret. */
function keysOnVolume(object: K8sObject, volumeName: string): string[] {
  const spec = podSpecOf(object);
  const volume = spec.volumes?.find((v) => v.name === volumeName);
  if (!volume) throw new Error(`${keyOf(object)}: no volume ${volumeName}`);
  if (volume.secret) return templateKeys('Secret', volume.secret.secretName);
  if (volume.configMap) return templateKeys('ConfigMap', volume.configMap.name);
  if (volume.emptyDir) {
    const filler = (spec.initContainers ?? []).find((c) => c.volumeMounts?.some((m) => m.name === volumeName));
    const from = filler?.volumeMounts?.find((m) => m.name !== volumeName);
    return filler && from ? keysOnVolume(object, from.name) : [];
  }
  return [];
}

/** Where a container sees a path: the volume mounted there and the name inside it. */
function fileOn(object: K8sObject, container: Container, file: string) {
  const mount = (container.volumeMounts ?? []).find((m) => file === m.mountPath || file.startsWith(`${m.mountPath}/`));
  return (
    mount && {
      volume: mount.name,
      inside: path.posix.relative(mount.mountPath, file),
      keys: keysOnVolume(object, mount.name),
    }
  );
}

// ---------------------------------------------------------------- schemas --

/** kubernetes-models' module of a kind: core v1 at its root, other groups by group/version. */
function modelModule(object: K8sObject): { module: string; type: string } {
  const [group, version] = object.apiVersion.includes('/') ? object.apiVersion.split('/') : ['', object.apiVersion];
  return { module: `kubernetes-models/${group ? `${group}/` : ''}${version}/${object.kind}`, type: `I${object.kind}` };
}

async function schemaProblems(objects: K8sObject[]): Promise<string[]> {
  const problems: string[] = [];
  for (const object of objects) {
    const { module } = modelModule(object);
    let model: { new (data: unknown): { validate(): void } };
    try {
      model = ((await import(module)) as Record<string, typeof model>)[object.kind] as typeof model;
    } catch {
      problems.push(`${keyOf(object)}: no schema for ${object.apiVersion} ${object.kind}`);
      continue;
    }
    try {
      new model(object).validate();
    } catch (error) {
      problems.push(`${keyOf(object)}: ${(error as Error).message}`);
    }
  }
  return problems;
}

/** The models' types as an excess-property check: one virtual ES module, one object literal per object. */
function unknownFieldProblems(objects: K8sObject[]): string[] {
  const file = path.join(repoRoot, 'deploy/k8s/.manifests-check.mts');
  const imports = [...new Set(objects.map((o) => JSON.stringify(modelModule(o))))].map(
    (entry, i) =>
      `import type { ${(JSON.parse(entry) as { type: string }).type} as T${i} } from '${(JSON.parse(entry) as { module: string }).module}';`,
  );
  const typeIndex = (o: K8sObject) =>
    [...new Set(objects.map((x) => JSON.stringify(modelModule(x))))].indexOf(JSON.stringify(modelModule(o)));
  const declarations = objects.map((o, i) => `export const o${i}: T${typeIndex(o)} = ${JSON.stringify(o)};`);
  const source = [...imports, ...declarations].join('\n');
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.Node16,
    moduleResolution: ts.ModuleResolutionKind.Node16,
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    types: [],
  };
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  const fileExists = host.fileExists.bind(host);
  const readFile = host.readFile.bind(host);
  host.getSourceFile = (name, language, ...rest) =>
    name === file ? ts.createSourceFile(name, source, language) : getSourceFile(name, language, ...rest);
  host.fileExists = (name) => name === file || fileExists(name);
  host.readFile = (name) => (name === file ? source : readFile(name));
  const program = ts.createProgram([file], options, host);
  return ts.getPreEmitDiagnostics(program).map((diagnostic) => {
    const line =
      diagnostic.file && diagnostic.start !== undefined
        ? diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start).line
        : -1;
    const object = objects[line - imports.length];
    return `${object ? keyOf(object) : '(the check itself)'}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, ' ')}`;
  });
}

describe('the manifests are valid Kubernetes objects', () => {
  it('renders the base and the example overlay, every reference resolving', () => {
    expect(deployments.map((d) => d.metadata.name).sort()).toEqual(
      ['renkei-gateway', 'renkei-identity', 'renkei-rooms', 'renkei-consent', 'renkei-worker'].sort(),
    );
    // The overlay holds the base and changes it; it adds only its namespace.
    expect(overlay.objects.map(keyOf).sort()).toEqual([...base.objects.map(keyOf), 'Namespace/renkei'].sort());
    // Every file in the folders is rendered, or is the Secret template.
    for (const [dir, rendered] of [
      ['base', base],
      ['overlays/example', overlay],
    ] as const) {
      const files = fs.readdirSync(path.join(k8sDir, dir)).filter((f) => f.endsWith('.yaml'));
      const used = new Set(rendered.files.filter((f) => !f.includes('/')));
      expect([dir, files.filter((f) => !used.has(f) && f !== 'secrets.template.yaml')]).toEqual([dir, []]);
    }
  });

  it('validates every object of the base, the overlay and the Secret templates against the Kubernetes schemas', async () => {
    expect(await schemaProblems([...base.objects, ...overlay.objects, ...templates])).toEqual([]);
  });

  it('uses no field the Kubernetes API does not define (the models’ types)', () => {
    expect(unknownFieldProblems([...overlay.objects, ...templates])).toEqual([]);
  }, 120_000);

  it('would catch an invalid object and a misspelt field (the checks can fail)', async () => {
    const badPort = structuredClone(deployments[0] as K8sObject);
    mainContainer(badPort).ports = [{ containerPort: 'https' as unknown as number }];
    expect(await schemaProblems([badPort])).toEqual([expect.stringMatching(/containerPort must be integer/)]);
    const misspelt = structuredClone(deployments[0] as K8sObject);
    const container = mainContainer(misspelt) as Container & Record<string, unknown>;
    container.readinesProbe = container.readinessProbe;
    expect(await schemaProblems([misspelt])).toEqual([]);
    expect(unknownFieldProblems([misspelt])).toEqual([
      expect.stringMatching(/^Deployment\/renkei-gateway: .*readinesProbe/),
    ]);
  }, 120_000);

  it('sets the overlay’s image on every container, and keeps the Secrets out of the kustomization', () => {
    const images = new Set(overlay.objects.flatMap((o) => containersOf(o).map((c) => c.image)));
    expect([...images]).toEqual(['registry.example.jp/renkei:1.0.0']);
    expect(base.objects.filter((o) => o.kind === 'Secret')).toEqual([]);
    expect(
      templates.every((t) =>
        Object.values({ ...(t.stringData as object), ...(t.data as object) }).every((v) => v === ''),
      ),
    ).toBe(true);
  });
});

describe('every Deployment against the code', () => {
  it.each(deployments.map((d) => [d.metadata.name, d] as const))(
    '%s: an entry point with every variable it requires, only variables Renkei reads, valid values',
    (_name, deployment) => {
      const container = mainContainer(deployment);
      const env = environmentOf(container);
      const entry = entryOf(container);
      expect(fs.existsSync(path.join(repoRoot, entry))).toBe(true);
      const missing = requiredVariables(entry).filter((name) => !env[name]);
      expect(missing).toEqual([]);
      expect(
        Object.keys(env).filter((n) => !knownEnvironmentVariables.includes(n) && !libraryVariables.includes(n)),
      ).toEqual([]);
      const literal = Object.fromEntries(
        Object.entries(env).filter(([n, v]) => !v.startsWith('(ref ') && !libraryVariables.includes(n)),
      );
      const parsed = environmentSchema.safeParse(literal);
      expect(parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`)).toEqual([]);
      expect([env.HOST, env.NODE_ENV]).toEqual(['0.0.0.0', 'production']);
    },
  );

  it.each(deployments.map((d) => [d.metadata.name, d] as const))(
    '%s: resources, and probes on /healthz and /readyz that the process serves, on its PORT',
    (_name, deployment) => {
      const container = mainContainer(deployment);
      const env = environmentOf(container);
      expect(container.resources?.requests).toEqual({ cpu: expect.any(String), memory: expect.any(String) });
      expect(container.resources?.limits?.memory).toEqual(expect.any(String));
      for (const init of podSpecOf(deployment).initContainers ?? [])
        expect([init.name, init.resources?.limits?.memory]).toEqual([init.name, expect.any(String)]);
      const routesFile =
        {
          'gateway/main.ts': 'gateway/server.ts',
          'adapters/main.ts': 'adapters/worker-endpoint.ts',
        }[entryOf(container)] ?? 'lib/subgraph-server.ts';
      const routes = readRepoFile(routesFile);
      const port = (p: number | string) =>
        typeof p === 'number' ? p : container.ports?.find((cp) => cp.name === p)?.containerPort;
      // HTTPS where the process serves TLS itself: the gateway, and the worker with the exchange in tls mode.
      const https =
        env.CLIENT_CERT_MODE === 'tls' && ['gateway/main.ts', 'adapters/main.ts'].includes(entryOf(container));
      const expected = { livenessProbe: '/healthz', readinessProbe: '/readyz' } as const;
      for (const [kind, wantedPath] of Object.entries(expected)) {
        const probe = container[kind as keyof typeof expected]?.httpGet;
        expect([kind, probe?.path, probe && String(port(probe.port)), probe?.scheme ?? 'HTTP']).toEqual([
          kind,
          wantedPath,
          env.PORT,
          https ? 'HTTPS' : 'HTTP',
        ]);
        expect(routes).toContain(`app.get('${wantedPath}'`);
      }
    },
  );

  it.each(deployments.map((d) => [d.metadata.name, d] as const))(
    '%s: a metrics port at PORT + 5000 (METRICS_PORT’s default), announced to Prometheus',
    (_name, deployment) => {
      const container = mainContainer(deployment);
      const metrics = container.ports?.find((p) => p.name === 'metrics')?.containerPort;
      expect(metrics).toBe(Number(environmentOf(container).PORT) + 5000);
      expect(podTemplateOf(deployment)?.metadata).toMatchObject({
        annotations: {
          'prometheus.io/scrape': 'true',
          'prometheus.io/port': String(metrics),
          'prometheus.io/path': '/metrics',
        },
      });
    },
  );

  it.each(deployments.map((d) => [d.metadata.name, d] as const))(
    '%s: every file and directory it is told to read is on a volume holding it',
    (_name, deployment) => {
      const container = mainContainer(deployment);
      const env = environmentOf(container);
      const problems: string[] = [];
      for (const [name, value] of Object.entries(env)) {
        if (!/_FILE$/.test(name)) continue;
        const where = fileOn(deployment, container, value);
        if (!where || !where.keys.includes(where.inside))
          problems.push(`${name}=${value} is on no volume that holds it`);
      }
      if (env.CA_DIR) {
        const where = fileOn(deployment, container, `${env.CA_DIR}/ca.crt`);
        if (!where?.keys.includes('ca.crt')) problems.push(`CA_DIR=${env.CA_DIR} holds no ca.crt`);
        for (const key of ['exchange-ed25519.key', 'exchange-es384.key', 'partner-keys.kek'])
          if (!where?.keys.includes(key)) problems.push(`CA_DIR=${env.CA_DIR} holds no ${key}`);
      }
      for (const reference of Object.values(env).filter((v) => v.startsWith('(ref '))) {
        const [secret, key] = reference.slice(5, -1).split('/') as [string, string];
        if (!templateKeys('Secret', secret).includes(key))
          problems.push(`${reference}: no such key in the Secret template`);
      }
      expect(problems).toEqual([]);
    },
  );

  it('mounts the CA’s private key in identity alone, the one long-running process that issues certificates', () => {
    const holders = [...deployments, ...byKind(base, 'Job'), ...byKind(base, 'CronJob')].filter((object) =>
      containersOf(object).some((container) =>
        ((container as Container).volumeMounts ?? []).some((m) => keysOnVolume(object, m.name).includes('ca.key')),
      ),
    );
    expect(holders.map((o) => o.metadata.name)).toEqual([
      deploymentRunning('subgraphs/identity/main.ts').metadata.name,
    ]);
    // The gateway and the worker check terminals with the CA's certificate alone and read their own server certificate.
    for (const entry of ['gateway/main.ts', 'adapters/main.ts'])
      expect(environmentOf(mainContainer(deploymentRunning(entry)))).toMatchObject({
        CA_CERT_FILE: expect.any(String),
        TLS_CERT_FILE: expect.any(String),
        TLS_KEY_FILE: expect.any(String),
      });
  });

  it('gives the subgraphs’ URLs to the gateway as their Services, on the ports they listen on', () => {
    const gatewayEnv = environmentOf(mainContainer(deploymentRunning('gateway/main.ts')));
    for (const subgraph of subgraphNames) {
      const url = new URL(gatewayEnv[`${subgraph.toUpperCase()}_URL`] as string);
      const service = base.objects.find((o) => o.kind === 'Service' && o.metadata.name === url.hostname) as
        | (K8sObject & {
            spec: { selector: Record<string, string>; ports: Array<{ port: number; targetPort: string }> };
          })
        | undefined;
      expect([subgraph, service?.metadata.name]).toEqual([subgraph, url.hostname]);
      const target = deploymentRunning(`subgraphs/${subgraph}/main.ts`);
      expect(podTemplateOf(target)?.metadata).toMatchObject({ labels: service?.spec.selector });
      const servicePort = service?.spec.ports.find((p) => String(p.port) === url.port);
      const container = mainContainer(target);
      expect(container.ports?.find((p) => p.name === servicePort?.targetPort)?.containerPort).toBe(
        Number(environmentOf(container).PORT),
      );
      expect(url.pathname).toBe('/graphql');
    }
  });

  it('sets only variables Renkei reads, with valid values, in the Job and the CronJob too', () => {
    const problems = [...byKind(base, 'Job'), ...byKind(base, 'CronJob')].flatMap((object) =>
      containersOf(object).flatMap((raw) => {
        const container = raw as Container;
        const env = environmentOf(container);
        const unknown = Object.keys(env).filter(
          (n) => !knownEnvironmentVariables.includes(n) && !libraryVariables.includes(n),
        );
        const literal = Object.fromEntries(
          Object.entries(env).filter(([n, v]) => !v.startsWith('(ref ') && !libraryVariables.includes(n)),
        );
        const parsed = environmentSchema.safeParse(literal);
        return [
          ...unknown.map((n) => `${keyOf(object)}: ${n} is not read by Renkei`),
          ...(parsed.success
            ? []
            : parsed.error.issues.map((i) => `${keyOf(object)}: ${i.path.join('.')}: ${i.message}`)),
          ...(fs.existsSync(path.join(repoRoot, entryOf(container)))
            ? []
            : [`${keyOf(object)}: no ${entryOf(container)}`]),
        ];
      }),
    );
    expect(problems).toEqual([]);
  });

  it('runs the migrations once, as a Job with every role’s URL, and the checkpoints as one CronJob', () => {
    const [job] = byKind(base, 'Job');
    const container = containersOf(job as K8sObject)[0] as Container;
    expect(container.command).toEqual(['node', 'dist/scripts/db-roles.js', '--migrate']);
    expect(Object.keys(environmentOf(container)).sort()).toEqual(
      [
        'NODE_ENV',
        'DATABASE_URL',
        'OWNER_DATABASE_URL',
        'IDENTITY_DATABASE_URL',
        'ROOMS_DATABASE_URL',
        'CONSENT_DATABASE_URL',
        'WORKER_DATABASE_URL',
      ].sort(),
    );
    const [cron] = byKind(base, 'CronJob');
    expect((containersOf(cron as K8sObject)[0] as Container).command).toEqual([
      'node',
      'dist/scripts/audit-checkpoint.js',
    ]);
    expect(environmentOf(mainContainer(deploymentRunning('adapters/main.ts'))).AUDIT_CHECKPOINT_MINUTES).toBe('0');
  });
});

describe('scaling and isolation', () => {
  const matches = (selector: Record<string, string> | undefined, labels: Record<string, string> | undefined) =>
    !!selector && Object.entries(selector).every(([k, v]) => labels?.[k] === v);
  const podLabels = (deployment: K8sObject) =>
    (podTemplateOf(deployment)!.metadata as { labels: Record<string, string> }).labels;

  it('autoscales the gateway and the worker, which then leave their replica count to the autoscaler', () => {
    const scaled = byKind(base, 'HorizontalPodAutoscaler').map(
      (h) => (h.spec as { scaleTargetRef: { kind: string; name: string } }).scaleTargetRef,
    );
    const wanted = [deploymentRunning('gateway/main.ts'), deploymentRunning('adapters/main.ts')];
    expect(scaled).toEqual(
      expect.arrayContaining(wanted.map((d) => ({ apiVersion: 'apps/v1', kind: 'Deployment', name: d.metadata.name }))),
    );
    for (const deployment of wanted) expect((deployment.spec as { replicas?: number }).replicas).toBeUndefined();
  });

  it('keeps at least one pod of every Deployment through voluntary disruptions', () => {
    const budgets = byKind(base, 'PodDisruptionBudget');
    const uncovered = deployments.filter(
      (d) =>
        !budgets.some((b) =>
          matches((b.spec as { selector: { matchLabels: Record<string, string> } }).selector.matchLabels, podLabels(d)),
        ),
    );
    expect(uncovered.map((d) => d.metadata.name)).toEqual([]);
  });

  it('denies ingress to every Renkei pod unless a policy allows it', () => {
    const policies = byKind(base, 'NetworkPolicy') as Array<
      K8sObject & {
        spec: { podSelector: { matchLabels: Record<string, string> }; ingress?: unknown[]; policyTypes: string[] };
      }
    >;
    const denyAll = policies.filter((p) => p.spec.policyTypes.includes('Ingress') && p.spec.ingress === undefined);
    for (const deployment of deployments)
      expect([
        deployment.metadata.name,
        denyAll.some((p) => matches(p.spec.podSelector.matchLabels, podLabels(deployment))),
      ]).toEqual([deployment.metadata.name, true]);
  });

  it.each(subgraphNames.map((n) => [n] as const))(
    '%s: reached by the gateway alone, and scraped by Prometheus',
    (subgraph) => {
      type Rule = {
        from?: Array<{ podSelector?: { matchLabels: Record<string, string> }; namespaceSelector?: object }>;
        ports?: Array<{ port: string | number }>;
      };
      const target = deploymentRunning(`subgraphs/${subgraph}/main.ts`);
      const gatewayLabels = podLabels(deploymentRunning('gateway/main.ts'));
      const rules = (
        byKind(base, 'NetworkPolicy') as Array<
          K8sObject & { spec: { podSelector: { matchLabels: Record<string, string> }; ingress?: Rule[] } }
        >
      )
        .filter((p) => matches(p.spec.podSelector.matchLabels, podLabels(target)))
        .flatMap((p) => p.spec.ingress ?? []);
      expect(rules.length).toBeGreaterThan(0);
      const problems = rules.flatMap((rule) => {
        const ports = (rule.ports ?? []).map((p) => p.port);
        const sources = rule.from ?? [];
        if (sources.length === 0) return [`a rule open to every source on ${JSON.stringify(ports)}`];
        const fromGateway = sources.every(
          (s) => !s.namespaceSelector && matches(s.podSelector?.matchLabels, gatewayLabels),
        );
        const fromPrometheus = sources.every(
          (s) => s.namespaceSelector && s.podSelector?.matchLabels['app.kubernetes.io/name'] === 'prometheus',
        );
        if (fromGateway && JSON.stringify(ports) === JSON.stringify(['graphql'])) return [];
        if (fromPrometheus && JSON.stringify(ports) === JSON.stringify(['metrics'])) return [];
        return [`a rule from ${JSON.stringify(sources)} on ${JSON.stringify(ports)}`];
      });
      expect(problems).toEqual([]);
      // The gateway is not itself the target of the subgraph policy's pod selector (it would let the gateway in twice).
      expect(podLabels(target)['app.kubernetes.io/component']).toBe(subgraph);
    },
  );

  it('exposes the gateway and the partner endpoint in the overlay as pass-through load balancers that keep clients’ addresses', () => {
    for (const name of ['renkei-gateway', 'renkei-fhir']) {
      const service = overlay.objects.find((o) => o.kind === 'Service' && o.metadata.name === name);
      expect([name, service?.spec]).toEqual([
        name,
        expect.objectContaining({ type: 'LoadBalancer', externalTrafficPolicy: 'Local' }),
      ]);
    }
    // And the partner endpoint's public URL is the overlay's.
    const settingsInOverlay = overlay.objects.find((o) => keyOf(o) === 'ConfigMap/renkei-settings') as K8sObject & {
      data: Record<string, string>;
    };
    expect(new URL(settingsInOverlay.data.FHIR_BASE_URL as string).hostname).toBe(
      (overlay.objects.find((o) => o.metadata.name === 'renkei-fhir' && o.kind === 'Service') as K8sObject).metadata
        .annotations?.['external-dns.alpha.kubernetes.io/hostname'],
    );
  });
});
