// The Kubernetes manifests (deploy/kubernetes), rendered by kustomize as an
// operator would (`kubectl kustomize`), and every object validated against
// its kind's schema from the Kubernetes OpenAPI definitions (the
// kubernetes-models package: the schemas compiled by ajv). Then what a
// wrong manifest would break: probes on the backend's real health routes,
// every ${VAR} of the production config set, no secret value written down,
// every reference resolving. No cluster is needed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments, parse as parseYaml } from 'yaml';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const deploy = path.join(root, 'deploy/kubernetes');

function render(dir) {
  let out;
  try {
    out = execFileSync('kubectl', ['kustomize', path.join(deploy, dir)], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (error) {
    throw new Error(
      error.code === 'ENOENT'
        ? 'kubectl (with its kustomize) is needed to render deploy/kubernetes'
        : `kubectl kustomize ${dir} failed: ${error.stderr}`,
    );
  }
  return parseAllDocuments(out).map(d => d.toJS());
}

/** The kubernetes-models class for an object: its API group/version module, its kind. */
async function modelOf(object) {
  const [group, version] = object.apiVersion.includes('/')
    ? object.apiVersion.split('/')
    : [undefined, object.apiVersion];
  const module = await import(
    `kubernetes-models/${group ? `${group}/` : ''}${version}`
  );
  const Model = module[object.kind];
  assert.ok(Model, `no schema for ${object.apiVersion} ${object.kind}`);
  return Model;
}

async function validate(object) {
  const Model = await modelOf(object);
  try {
    new Model(object).validate();
  } catch (error) {
    throw new Error(
      `${object.kind} ${object.metadata?.name}: ${
        error.message
      } ${JSON.stringify(error.errors ?? [])}`,
    );
  }
}

const byKind = (objects, kind) => objects.filter(o => o.kind === kind);
const named = (objects, kind, name) =>
  objects.find(o => o.kind === kind && o.metadata.name === name);
const podSpec = workload => workload.spec.template.spec;

const SECRET_LIKE = /PASSWORD|TOKEN|KEY|SALT|SECRET|CREDENTIAL/;
/** The Secrets the manifests expect to exist (docs/deployment.md), never rendered with values. */
const EXTERNAL_SECRETS = new Set([
  'mcpeeker-secrets',
  'mcpeeker-agents-tls',
  'mcpeeker-nats-tls',
  'mcpeeker-agent-tls',
]);

const base = render('base');
const example = render('overlays/example');

test('the schema check catches a wrong object (so passing means something)', async () => {
  const portal = structuredClone(named(base, 'Deployment', 'mcpeeker-portal'));
  portal.spec.replicas = 'two';
  await assert.rejects(validate(portal), /spec\/replicas must be integer/);
  const probe = structuredClone(portal);
  probe.spec.replicas = 2;
  podSpec(probe).containers[0].readinessProbe.httpGet.port = { name: 'http' };
  await assert.rejects(validate(probe), /readinessProbe\/httpGet\/port/);
});

for (const [name, objects] of [
  ['base', base],
  ['overlays/example', example],
]) {
  test(`${name}: every object is valid against its kind's Kubernetes schema`, async () => {
    assert.ok(objects.length >= 6, `only ${objects.length} objects rendered`);
    for (const object of objects) await validate(object);
  });

  test(`${name}: the portal runs replicated, probed on the backend's real health routes, with resources`, () => {
    const portal = named(objects, 'Deployment', 'mcpeeker-portal');
    assert.ok(portal.spec.replicas >= 2, 'at least two replicas');
    const container = podSpec(portal).containers[0];
    const port = name => container.ports.find(p => p.name === name);
    // The port the production config listens on.
    const production = parseYaml(
      fs.readFileSync(path.join(root, 'app-config.production.yaml'), 'utf8'),
    );
    assert.equal(
      port('http').containerPort,
      Number(String(production.backend.listen).replace(/^.*:/, '')),
    );
    assert.deepEqual(
      {
        startup: container.startupProbe.httpGet,
        readiness: container.readinessProbe.httpGet,
        liveness: container.livenessProbe.httpGet,
      },
      {
        startup: { path: '/.backstage/health/v1/readiness', port: 'http' },
        readiness: { path: '/api/mcpeeker/health', port: 'http' },
        liveness: { path: '/.backstage/health/v1/liveness', port: 'http' },
      },
    );
    // Those routes exist: MCPeeker's health route (plugin id mcpeeker, open
    // without credentials) and Backstage's root health routes.
    const plugin = fs.readFileSync(
      path.join(root, 'plugins/mcpeeker-backend/src/plugin.ts'),
      'utf8',
    );
    assert.match(plugin, /pluginId: 'mcpeeker'/);
    assert.match(
      plugin,
      /addAuthPolicy\(\{ path: '\/health', allow: 'unauthenticated' \}\)/,
    );
    assert.match(
      fs.readFileSync(
        path.join(
          root,
          'plugins/mcpeeker-backend/src/routes/findingsRouter.ts',
        ),
        'utf8',
      ),
      /router\.get\('\/health'/,
    );
    const healthRouter = fs.readFileSync(
      path.join(
        root,
        'node_modules/@backstage/backend-defaults/dist/entrypoints/rootHttpRouter/createHealthRouter.cjs.js',
      ),
      'utf8',
    );
    assert.ok(healthRouter.includes('"/.backstage/health/v1/readiness"'));
    assert.ok(healthRouter.includes('"/.backstage/health/v1/liveness"'));

    for (const workload of [
      ...byKind(objects, 'Deployment'),
      ...byKind(objects, 'DaemonSet'),
    ]) {
      for (const c of podSpec(workload).containers) {
        assert.ok(c.resources?.requests?.cpu, `${c.name}: a CPU request`);
        assert.ok(c.resources?.requests?.memory, `${c.name}: a memory request`);
        assert.ok(c.resources?.limits?.memory, `${c.name}: a memory limit`);
      }
    }
  });

  test(`${name}: the production config is the repository's, and every variable in it is set from a ConfigMap or a Secret reference`, () => {
    const portal = named(objects, 'Deployment', 'mcpeeker-portal');
    const container = podSpec(portal).containers[0];
    const configVolume = podSpec(portal).volumes.find(v => v.name === 'config');
    const config = objects.find(
      o =>
        o.kind === 'ConfigMap' &&
        o.metadata.name === configVolume.configMap.name,
    );
    const production = config.data['app-config.production.yaml'];
    assert.equal(
      production,
      fs.readFileSync(path.join(root, 'app-config.production.yaml'), 'utf8'),
      'deploy/kubernetes/base/app-config.production.yaml must be a copy of app-config.production.yaml',
    );
    // Each --config file is in the mounted ConfigMap.
    const files = container.args
      .filter((_, i, a) => a[i - 1] === '--config')
      .filter(f => f.startsWith('/etc/mcpeeker/'));
    assert.ok(
      files.includes('/etc/mcpeeker/config/app-config.production.yaml'),
    );
    for (const file of files)
      assert.ok(
        config.data[path.basename(file)],
        `${file} is in the ConfigMap`,
      );

    const set = new Set(container.env.map(e => e.name));
    for (const ref of container.envFrom ?? []) {
      const map = named(objects, 'ConfigMap', ref.configMapRef.name);
      assert.ok(map, `ConfigMap ${ref.configMapRef.name} is rendered`);
      for (const key of Object.keys(map.data)) set.add(key);
    }
    const needed = [
      ...Object.values(config.data)
        .join('\n')
        .matchAll(/\$\{([A-Z0-9_]+)\}/g),
    ].map(m => m[1]);
    assert.ok(needed.length >= 8);
    for (const variable of needed)
      assert.ok(
        set.has(variable),
        `${variable} is set in the portal's environment`,
      );
  });

  test(`${name}: no secret value is written in the manifests`, () => {
    assert.deepEqual(byKind(objects, 'Secret'), [], 'no Secret object');
    const secretRefs = new Set();
    for (const workload of [
      ...byKind(objects, 'Deployment'),
      ...byKind(objects, 'DaemonSet'),
    ]) {
      for (const c of podSpec(workload).containers) {
        for (const e of c.env ?? []) {
          if (SECRET_LIKE.test(e.name) && !/^MCPEEKER_TLS_/.test(e.name)) {
            assert.equal(e.value, undefined, `${e.name} is not written inline`);
            assert.ok(
              e.valueFrom?.secretKeyRef,
              `${e.name} comes from a Secret`,
            );
          }
          if (e.valueFrom?.secretKeyRef)
            secretRefs.add(e.valueFrom.secretKeyRef.name);
        }
      }
      for (const v of podSpec(workload).volumes ?? [])
        if (v.secret) secretRefs.add(v.secret.secretName);
    }
    for (const ref of secretRefs)
      assert.ok(EXTERNAL_SECRETS.has(ref), `${ref} is a documented Secret`);
    // ConfigMaps carry addresses and ${VAR}s, never a value that looks like a key.
    for (const map of byKind(objects, 'ConfigMap')) {
      for (const [key, value] of Object.entries(map.data)) {
        assert.ok(!SECRET_LIKE.test(key), `${map.metadata.name}: ${key}`);
        assert.doesNotMatch(
          value,
          /(sk-ant-|-----BEGIN [A-Z ]*PRIVATE KEY|password:\s*[^$\s{])/,
          `${map.metadata.name}: ${key}`,
        );
      }
    }
  });

  test(`${name}: Services select the portal's pods and name its ports; databases and NATS are external`, () => {
    const portal = named(objects, 'Deployment', 'mcpeeker-portal');
    const labels = portal.spec.template.metadata.labels;
    const ports = new Set(podSpec(portal).containers[0].ports.map(p => p.name));
    for (const service of byKind(objects, 'Service')) {
      if (service.spec.type === 'ExternalName') {
        assert.ok(service.spec.externalName);
        continue;
      }
      for (const [k, v] of Object.entries(service.spec.selector))
        assert.equal(
          labels[k],
          v,
          `${service.metadata.name} selects the portal`,
        );
      for (const p of service.spec.ports)
        assert.ok(
          ports.has(p.targetPort),
          `${service.metadata.name}: ${p.targetPort}`,
        );
    }
    assert.deepEqual(
      byKind(objects, 'Service')
        .filter(s => s.spec.type === 'ExternalName')
        .map(s => s.metadata.name)
        .sort(),
      ['mcpeeker-clickhouse', 'mcpeeker-nats', 'mcpeeker-postgres'],
    );
  });
}

test('overlays/example: mutual TLS reads its PEM files from the mounted Secrets', () => {
  const portal = named(example, 'Deployment', 'mcpeeker-portal');
  const container = podSpec(portal).containers[0];
  const config = named(
    example,
    'ConfigMap',
    podSpec(portal).volumes.find(v => v.name === 'config').configMap.name,
  );
  const mtls = parseYaml(config.data['app-config.mtls.yaml']).mcpeeker.ingest;
  assert.equal(
    container.ports.find(p => p.name === 'agents').containerPort,
    mtls.http.mtls.port,
  );
  const files = [
    mtls.http.mtls.certificate.cert,
    mtls.http.mtls.certificate.key,
    mtls.http.mtls.ca,
    mtls.nats.tls.ca,
    mtls.nats.tls.cert,
    mtls.nats.tls.key,
  ].map(f => f.$file);
  const volumes = podSpec(portal).volumes;
  for (const file of files) {
    const mount = container.volumeMounts.find(m =>
      file.startsWith(`${m.mountPath}/`),
    );
    // One mount per folder: a Secret mounted inside the ConfigMap's
    // read-only volume would need a folder made in it.
    assert.equal(
      container.volumeMounts.filter(m => file.startsWith(`${m.mountPath}/`))
        .length,
      1,
      `${file} is under exactly one mount`,
    );
    assert.ok(mount, `${file} is on a mounted volume`);
    assert.ok(
      volumes.find(v => v.name === mount.name).secret,
      `${file} comes from a Secret`,
    );
  }
  const natsUrl = named(
    example,
    'ConfigMap',
    container.envFrom[0].configMapRef.name,
  ).data.NATS_URL;
  assert.match(natsUrl, /^tls:\/\//);
});

test('overlays/example: the agent DaemonSet reads the node read-only and keeps its spool on the node', () => {
  const agent = named(example, 'DaemonSet', 'mcpeeker-agent');
  const spec = podSpec(agent);
  assert.equal(spec.hostPID, true, 'sees the node’s processes');
  assert.equal(spec.hostNetwork, true, 'sees the node’s listening ports');
  const c = spec.containers[0];
  assert.deepEqual(c.command.slice(-1), ['run']);
  const hostPaths = Object.fromEntries(
    spec.volumes.filter(v => v.hostPath).map(v => [v.name, v.hostPath.path]),
  );
  assert.deepEqual(Object.values(hostPaths).sort(), [
    '/etc/machine-id',
    '/home',
    '/root',
    '/var/lib/mcpeeker-agent',
  ]);
  for (const mount of c.volumeMounts.filter(m => hostPaths[m.name])) {
    if (hostPaths[mount.name] === '/var/lib/mcpeeker-agent')
      assert.notEqual(mount.readOnly, true, 'the spool is written');
    else assert.equal(mount.readOnly, true, `${mount.mountPath} is read-only`);
  }
  assert.equal(c.securityContext.privileged, false);
  assert.equal(c.securityContext.readOnlyRootFilesystem, true);
  const env = Object.fromEntries(c.env.map(e => [e.name, e.value]));
  const mounted = p =>
    c.volumeMounts.some(
      m => p.startsWith(`${m.mountPath}/`) || p === m.mountPath,
    );
  for (const key of [
    'HOME',
    'MCPEEKER_ROOTS',
    'MCPEEKER_SPOOL_DIR',
    'MCPEEKER_TLS_CA',
    'MCPEEKER_TLS_CERT',
    'MCPEEKER_TLS_KEY',
  ])
    assert.ok(mounted(env[key]), `${key}=${env[key]} is on a mounted volume`);
  const agentEnv = named(example, 'ConfigMap', c.envFrom[0].configMapRef.name);
  assert.ok(
    agentEnv,
    'the agent’s ConfigMap is rendered under the name it is referenced by',
  );
  const url = new URL(agentEnv.data.MCPEEKER_HTTP_URL);
  assert.equal(url.protocol, 'https:');
  assert.equal(url.port, '7443');
  assert.equal(url.pathname, '/api/mcpeeker/events');
});
