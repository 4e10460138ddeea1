// deploy/kubernetes/*.yaml: every document is valid against the Kubernetes API schemas
// (kubernetes-models: the OpenAPI schemas compiled to validators, offline), has no field the
// API server would refuse as unknown (kubectl's strict field validation; checked with the same
// package's TypeScript types, whose excess-property check names the field), and the documents
// agree with each other and with the server: selectors and labels, ports, probe paths that
// answer 200 on a real shell host, the ConfigMap the Deployment mounts and a configuration
// that loads, the HPA's target, a grace period longer than the drain. The validators are shown
// to reject broken copies.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { parseAllDocuments } from 'yaml';
import { Deployment } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ConfigMap, Service } from 'kubernetes-models/v1';
import { createShellServer, loadRemotes } from '../../dist/server/index.js';
import { listen, raw } from '../server/_helpers.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const DIR = join(ROOT, 'deploy', 'kubernetes');
const BIN = join(ROOT, 'dist', 'server', 'bin.js');

/** The model class and the TypeScript type (module, interface) for each kind shipped. */
const KINDS = {
  'v1/ConfigMap': { Model: ConfigMap, type: ['kubernetes-models/v1/ConfigMap', 'IConfigMap'] },
  'v1/Service': { Model: Service, type: ['kubernetes-models/v1/Service', 'IService'] },
  'apps/v1/Deployment': { Model: Deployment, type: ['kubernetes-models/apps/v1/Deployment', 'IDeployment'] },
  'autoscaling/v2/HorizontalPodAutoscaler': { Model: HorizontalPodAutoscaler, type: ['kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler', 'IHorizontalPodAutoscaler'] },
  'policy/v1/PodDisruptionBudget': { Model: PodDisruptionBudget, type: ['kubernetes-models/policy/v1/PodDisruptionBudget', 'IPodDisruptionBudget'] },
};

/** Every YAML document under deploy/kubernetes/, parsed strictly: { file, index, obj }. */
function loadDocuments() {
  const docs = [];
  for (const file of readdirSync(DIR).filter((f) => /\.ya?ml$/.test(f)).sort()) {
    parseAllDocuments(readFileSync(join(DIR, file), 'utf8'), { strict: true, uniqueKeys: true }).forEach((doc, index) => {
      const problems = [...doc.errors, ...doc.warnings].map((e) => e.message);
      assert.deepEqual(problems, [], `${file} document ${index}: YAML problems`);
      const obj = doc.toJS();
      if (obj !== null) docs.push({ file, index, obj });
    });
  }
  return docs;
}

const kindOf = (obj) => `${obj.apiVersion}/${obj.kind}`;

/** Schema validation: throws with the model's message (JSON pointers to each bad field). */
function validate({ file, index, obj }) {
  const entry = KINDS[kindOf(obj)];
  assert.ok(entry, `${file} document ${index}: no validator for ${kindOf(obj)} (add it to KINDS)`);
  try {
    new entry.Model(obj).validate();
  } catch (err) {
    throw new Error(`${file} document ${index} (${kindOf(obj)} ${obj.metadata?.name}): ${err.message}`, { cause: err });
  }
}

/**
 * Unknown fields: each document as an object literal typed with its kind's interface, checked by
 * TypeScript in memory (nothing written). Returns "file: message" lines, [] when all is known.
 */
function unknownFields(docs) {
  const virtual = join(ROOT, 'test', 'deploy', '__kubernetes_manifests__.ts');
  const imports = new Set();
  const lines = docs.map(({ obj }, i) => {
    const [module, iface] = KINDS[kindOf(obj)].type;
    imports.add(`import type { ${iface} } from '${module}';`);
    return `export const doc${i}: ${iface} = ${JSON.stringify(obj, null, 2)};`;
  });
  const source = [...imports, ...lines].join('\n');
  const options = { strict: true, noEmit: true, skipLibCheck: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, types: [] };
  const host = ts.createCompilerHost(options);
  const { getSourceFile, fileExists, readFile } = host;
  host.getSourceFile = (name, lang, ...rest) => (name === virtual ? ts.createSourceFile(name, source, lang) : getSourceFile.call(host, name, lang, ...rest));
  host.fileExists = (name) => name === virtual || fileExists.call(host, name);
  host.readFile = (name) => (name === virtual ? source : readFile.call(host, name));
  const program = ts.createProgram([virtual], options, host);
  const starts = [];
  for (let i = 0, at = source.indexOf('export const doc0'); i < docs.length; i++, at = source.indexOf(`export const doc${i}:`)) starts.push(at);
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const i = d.start === undefined ? -1 : starts.findLastIndex((s) => s <= d.start);
    const where = i === -1 ? '?' : `${docs[i].file} document ${docs[i].index}`;
    return `${where}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`;
  });
}

/** The one document of `kind` (asserts there is exactly one). */
function one(docs, kind) {
  const found = docs.filter((d) => d.obj.kind === kind);
  assert.equal(found.length, 1, `exactly one ${kind} in deploy/kubernetes/`);
  return found[0].obj;
}

/** Whether `labels` has every key/value of `selector`. */
const matches = (selector, labels) => Object.entries(selector).every(([k, v]) => labels?.[k] === v);

let docs;
before(() => {
  docs = loadDocuments();
});

describe('deploy/kubernetes: schemas', () => {
  test('every document validates against its kind\'s schema', () => {
    assert.ok(docs.length >= 5, `found ${docs.map((d) => `${d.file}:${d.obj.kind}`).join(', ')}`);
    for (const kind of ['ConfigMap', 'Deployment', 'Service', 'HorizontalPodAutoscaler']) one(docs, kind);
    for (const doc of docs) validate(doc);
  });

  test('the validator rejects a broken copy: replicas "3", a probe port of the wrong type, a missing container list, a list for a quantity', () => {
    const deployment = docs.find((d) => d.obj.kind === 'Deployment');
    const broken = [
      [(o) => (o.spec.replicas = '3'), /\/spec\/replicas must be integer/],
      [(o) => (o.spec.template.spec.containers[0].readinessProbe.httpGet.port = true), /readinessProbe\/httpGet\/port must be/],
      [(o) => delete o.spec.template.spec.containers, /must have required property 'containers'|must have required property containers/],
      [(o) => (o.spec.template.spec.containers[0].resources.limits.memory = ['256Mi']), /resources\/limits\/memory must be/],
    ];
    for (const [breakIt, message] of broken) {
      const copy = structuredClone(deployment);
      breakIt(copy.obj);
      assert.throws(() => validate(copy), message);
    }
  });

  test('no unknown field in any document (what kubectl --validate=strict refuses)', () => {
    assert.deepEqual(unknownFields(docs), []);
  });

  test('the unknown-field check catches a typo, naming the document and the field', () => {
    const copy = structuredClone(docs);
    const deployment = copy.find((d) => d.obj.kind === 'Deployment');
    const container = deployment.obj.spec.template.spec.containers[0];
    container.readinesProbe = container.readinessProbe; // the typo the API server would refuse
    const problems = unknownFields(copy);
    assert.equal(problems.length, 1, problems.join('\n'));
    assert.match(problems[0], /^deployment\.yaml document 0: .*'"readinesProbe"' does not exist in type 'IContainer'/);
  });
});

describe('deploy/kubernetes: the documents agree with each other and with the server', () => {
  test('the Deployment selects its own pods; the Service and the PodDisruptionBudget select them too', () => {
    const deployment = one(docs, 'Deployment');
    const podLabels = deployment.spec.template.metadata.labels;
    assert.ok(matches(deployment.spec.selector.matchLabels, podLabels), 'Deployment selector matches its template labels');
    const service = one(docs, 'Service');
    assert.ok(Object.keys(service.spec.selector).length > 0, 'the Service has a selector');
    assert.ok(matches(service.spec.selector, podLabels), `Service selector ${JSON.stringify(service.spec.selector)} matches pod labels ${JSON.stringify(podLabels)}`);
    for (const { obj } of docs.filter((d) => d.obj.kind === 'PodDisruptionBudget')) assert.ok(matches(obj.spec.selector.matchLabels, podLabels), 'PDB selector matches');
  });

  test('the Service targets the container port the host listens on (--port)', () => {
    const container = one(docs, 'Deployment').spec.template.spec.containers[0];
    const service = one(docs, 'Service');
    for (const { targetPort } of service.spec.ports) {
      const port = container.ports.find((p) => p.name === targetPort || p.containerPort === targetPort);
      assert.ok(port, `Service targetPort ${targetPort} is a container port`);
      const args = container.command.concat(container.args ?? []);
      assert.equal(args[args.indexOf('--port') + 1], String(port.containerPort), 'mfe-host serve --port is the container port');
      assert.equal(args[args.indexOf('--host') + 1], '0.0.0.0', 'listens on all interfaces in the pod');
    }
  });

  test('probes: liveness /healthz, readiness /readyz, on the container port, and both answer 200 on a real shell host', async () => {
    const container = one(docs, 'Deployment').spec.template.spec.containers[0];
    const portNames = new Set(container.ports.flatMap((p) => [p.name, p.containerPort]));
    assert.equal(container.livenessProbe.httpGet.path, '/healthz');
    assert.equal(container.readinessProbe.httpGet.path, '/readyz');
    const probes = ['livenessProbe', 'readinessProbe', 'startupProbe'].filter((p) => container[p]);
    const s = await listen(createShellServer({ remotes: {}, env: {} }));
    try {
      for (const name of probes) {
        const { path, port } = container[name].httpGet;
        assert.ok(portNames.has(port), `${name} port ${port} is a container port`);
        const r = await raw(s.base, path);
        assert.equal(r.status, 200, `${name} ${path} answers 200`);
        assert.equal(r.body.toString(), 'ok\n');
      }
    } finally {
      await s.close();
    }
  });

  test('the remotes: the mounted ConfigMap exists, its key is the file MFE_REMOTES_FILE names, and it loads', () => {
    const pod = one(docs, 'Deployment').spec.template.spec;
    const container = pod.containers[0];
    const env = Object.fromEntries(container.env.map((e) => [e.name, e.value]));
    const file = env.MFE_REMOTES_FILE;
    assert.ok(file, 'MFE_REMOTES_FILE is set');
    const mount = container.volumeMounts.find((m) => file.startsWith(`${m.mountPath}/`));
    assert.ok(mount, `a volume is mounted at ${posix.dirname(file)}`);
    assert.equal(mount.subPath, undefined, 'a folder mount: kubelet updates it in place (a subPath mount never changes)');
    const volume = pod.volumes.find((v) => v.name === mount.name);
    const configMap = docs.find((d) => d.obj.kind === 'ConfigMap' && d.obj.metadata.name === volume.configMap?.name)?.obj;
    assert.ok(configMap, `the ConfigMap ${volume.configMap?.name} is shipped`);
    const relative = posix.relative(mount.mountPath, file);
    const item = volume.configMap.items?.find((i) => i.path === relative);
    const key = item ? item.key : relative;
    assert.ok(Object.hasOwn(configMap.data, key), `ConfigMap ${configMap.metadata.name} has the key ${key}`);
    const remotes = loadRemotes({ env: { MFE_REMOTES: configMap.data[key] } });
    assert.ok(Object.keys(remotes).length > 0, 'the example configuration loads and has remotes');
  });

  test('the HPA scales the Deployment, which leaves replicas to it', () => {
    const deployment = one(docs, 'Deployment');
    const { scaleTargetRef, minReplicas, maxReplicas } = one(docs, 'HorizontalPodAutoscaler').spec;
    assert.deepEqual(scaleTargetRef, { apiVersion: deployment.apiVersion, kind: 'Deployment', name: deployment.metadata.name });
    assert.ok(minReplicas >= 2 && maxReplicas > minReplicas, 'at least two replicas, room to grow');
    assert.equal(deployment.spec.replicas, undefined, 'no spec.replicas: kubectl apply would reset what the HPA chose');
    const cpu = one(docs, 'HorizontalPodAutoscaler').spec.metrics.find((m) => m.resource?.name === 'cpu');
    assert.ok(!cpu || deployment.spec.template.spec.containers[0].resources.requests.cpu, 'CPU utilization needs a CPU request');
  });

  test('terminationGracePeriodSeconds covers the drain delay plus the host\'s deadline for requests in flight', () => {
    const pod = one(docs, 'Deployment').spec.template.spec;
    const env = Object.fromEntries(pod.containers[0].env.map((e) => [e.name, e.value]));
    const help = spawnSync(process.execPath, [BIN, '--help'], { encoding: 'utf8' }).stdout;
    const deadline = Number(/requests in\s+flight get (\d+) s/.exec(help)?.[1]);
    assert.ok(deadline > 0, `the deadline is in mfe-host --help:\n${help}`);
    const delay = Number(env.MFE_DRAIN_DELAY ?? 0);
    assert.ok(pod.terminationGracePeriodSeconds > delay + deadline, `${pod.terminationGracePeriodSeconds} s > ${delay} s delay + ${deadline} s deadline`);
    assert.ok(delay > 0, 'a drain delay while endpoint removal propagates');
  });

  test('hardening: non-root, read-only root filesystem, no privilege escalation, capabilities dropped, requests and limits', () => {
    const pod = one(docs, 'Deployment').spec.template.spec;
    assert.equal(pod.securityContext.runAsNonRoot, true);
    for (const c of pod.containers) {
      assert.equal(c.securityContext.readOnlyRootFilesystem, true, c.name);
      assert.equal(c.securityContext.allowPrivilegeEscalation, false, c.name);
      assert.deepEqual(c.securityContext.capabilities.drop, ['ALL'], c.name);
      for (const r of ['cpu', 'memory']) assert.ok(c.resources.requests[r] && c.resources.limits[r], `${c.name}: ${r} request and limit`);
    }
  });
});
