// The offline manifest validator (tools/k8s-validate) refuses what it must: a valid render
// (fixtures/all-in-one.yaml) passes, and each test breaks one field of it and expects the error
// that names that field. Run by validator_test.sh (node --test, NODE_PATH from
// tools/k8s-validate/install).
'use strict';

const test = require('node:test');
const assert = require('node:assert');
const fs = require('fs');
const path = require('path');
const YAML = require('yaml');

const tool = path.join(__dirname, '..', '..', 'tools', 'k8s-validate');
const {validateSchema} = require(path.join(tool, 'schemas'));
const {checkInvariants, parseQuantity} = require(path.join(tool, 'invariants'));

function fixture() {
  const text = fs.readFileSync(path.join(__dirname, 'fixtures', 'all-in-one.yaml'), 'utf8');
  return YAML.parseAllDocuments(text).map((d) => d.toJS()).filter((o) => o);
}

function errorsOf(objects) {
  const schema = objects.flatMap((o) => validateSchema(o).map((e) => `${o.kind}/${o.metadata.name}: ${e}`));
  return [...schema, ...checkInvariants(objects)];
}

function find(objects, kind) {
  const object = objects.find((o) => o.kind === kind);
  assert.ok(object, `the fixture has a ${kind}`);
  return object;
}

function container(objects) {
  return find(objects, 'StatefulSet').spec.template.spec.containers[0];
}

// Applies `mutate` to a fresh copy of the fixture and expects an error matching `expected`.
function expectError(mutate, expected) {
  const objects = fixture();
  mutate(objects);
  const errors = errorsOf(objects);
  assert.ok(errors.some((e) => expected.test(e)),
    `expected an error matching ${expected}, got:\n${errors.join('\n') || '(none)'}`);
}

function cloneAs(object, kind, name) {
  const copy = JSON.parse(JSON.stringify(object));
  copy.kind = kind;
  copy.metadata.name = name;
  return copy;
}

test('the fixture is valid', () => {
  assert.deepStrictEqual(errorsOf(fixture()), []);
});

test('quantities parse', () => {
  assert.strictEqual(parseQuantity('500m'), 0.5);
  assert.strictEqual(parseQuantity('2'), 2);
  assert.strictEqual(parseQuantity('1Gi'), 1024 ** 3);
  assert.ok(Number.isNaN(parseQuantity('lots')));
});

test('schema: a field of the wrong type', () => {
  expectError((o) => { find(o, 'StatefulSet').spec.replicas = 'three'; }, /\/spec\/replicas must be integer/);
});

test('schema: a required field missing', () => {
  expectError((o) => { delete container(o).name; }, /containers\/0 must have required property '?name'?/);
});

test('schema: a quantity that is not one', () => {
  expectError((o) => { container(o).resources.limits.memory = 'lots'; },
    /resources\/limits\/memory must match format "quantity"/);
});

test('schema: an unknown kind is refused, not passed', () => {
  expectError((o) => { o.push({apiVersion: 'example.com/v1', kind: 'Widget', metadata: {name: 'w'}}); },
    /Widget\/w: no schema for example\.com\/v1 Widget/);
  expectError((o) => { o.push({apiVersion: 'v1', kind: 'Sevrice', metadata: {name: 's'}}); },
    /no schema for v1 Sevrice/);
});

test('schema: Strimzi objects: types and unknown fields', () => {
  const topic = (spec) => ({
    apiVersion: 'kafka.strimzi.io/v1beta2', kind: 'KafkaTopic',
    metadata: {name: 'clientele-events', labels: {'strimzi.io/cluster': 'clientele'}}, spec,
  });
  assert.deepStrictEqual(validateSchema(topic({partitions: 1, replicas: 3, config: {'retention.ms': -1}})), []);
  assert.match(validateSchema(topic({partitions: 'three'})).join('\n'), /\/spec\/partitions must be integer/);
  assert.match(validateSchema(topic({partitons: 1})).join('\n'), /must NOT have additional properties 'partitons'/);
  const unlabelled = topic({partitions: 1});
  delete unlabelled.metadata.labels;
  assert.match(validateSchema(unlabelled).join('\n'), /must have required property 'labels'/);
});

test('invariant: every container has requests and limits', () => {
  expectError((o) => { delete container(o).resources.limits.memory; }, /resources\.limits\.memory is missing/);
  expectError((o) => { container(o).resources.requests.cpu = '8'; }, /requests\.cpu is above resources\.limits\.cpu/);
});

test('invariant: the security context', () => {
  expectError((o) => { container(o).securityContext.readOnlyRootFilesystem = false; }, /readOnlyRootFilesystem must be true/);
  expectError((o) => { delete container(o).securityContext.allowPrivilegeEscalation; }, /allowPrivilegeEscalation must be false/);
  expectError((o) => { container(o).securityContext.capabilities.drop = ['NET_RAW']; }, /capabilities\.drop must include ALL/);
  expectError((o) => { container(o).securityContext.runAsUser = 0; }, /runAsUser must be 10001/);
  expectError((o) => { delete find(o, 'StatefulSet').spec.template.spec.securityContext.fsGroup; }, /fsGroup must be 10001/);
  expectError((o) => { delete container(o).securityContext.seccompProfile; }, /seccompProfile\.type must be RuntimeDefault/);
});

test('invariant: /tmp on an emptyDir', () => {
  expectError((o) => {
    container(o).volumeMounts = container(o).volumeMounts.filter((m) => m.mountPath !== '/tmp');
  }, /\/tmp must be mounted from an emptyDir/);
});

test('invariant: gRPC health probes over TLS', () => {
  expectError((o) => { delete container(o).livenessProbe; }, /livenessProbe must exec 'clientele health'/);
  expectError((o) => { container(o).readinessProbe = {httpGet: {path: '/healthz', port: 9464}}; },
    /readinessProbe must exec 'clientele health'/);
  expectError((o) => {
    container(o).startupProbe.exec.command = container(o).startupProbe.exec.command.filter((c) => !c.startsWith('--tls-ca='));
  }, /startupProbe must pass --tls-ca/);
  expectError((o) => {
    container(o).readinessProbe.exec.command = container(o).readinessProbe.exec.command.map(
      (c) => c.startsWith('--server=') ? '--server=localhost:9464' : c);
  }, /readinessProbe must check --server=localhost:<the container's grpc port>/);
});

test('invariant: the grace period covers the drain', () => {
  expectError((o) => { find(o, 'StatefulSet').spec.template.spec.terminationGracePeriodSeconds = 20; },
    /terminationGracePeriodSeconds \(20\) must be at least .* = 30/);
});

test('invariant: the partition count is set once', () => {
  expectError((o) => {
    const args = container(o).args;
    args[args.findIndex((a) => a.startsWith('--partition_count='))] = '--partition_count=3';
  }, /'--partition_count=3': the partition count comes from \$\(CLIENTELE_PARTITION_COUNT\) only/);
  expectError((o) => { o.splice(o.indexOf(find(o, 'ConfigMap')), 1); },
    /ConfigMap clientele-cluster is not in the render|ConfigMap\/clientele-cluster is missing/);
  expectError((o) => {
    o.push({
      apiVersion: 'kafka.strimzi.io/v1beta2', kind: 'KafkaTopic',
      metadata: {name: 't', labels: {'strimzi.io/cluster': 'c'}}, spec: {partitions: 2, replicas: 3},
    });
  }, /KafkaTopic\/t: spec\.partitions 2 differs from CLIENTELE_PARTITION_COUNT 1/);
});

test('invariant: {ordinal} addresses come with the ingest replicas', () => {
  const ordinal = (o) => {
    find(o, 'ConfigMap').data.CLIENTELE_INGEST_REPLICAS = '1';
    container(o).args.push('--ingest_addr=ingest-{ordinal}.ingest:50051');
  };
  expectError(ordinal, /'\{ordinal\}' and --partitions=ordinal need --ingest_replicas/);
  assert.deepStrictEqual(errorsOf((() => {
    const o = fixture();
    ordinal(o);
    container(o).args.push('--ingest_replicas=$(CLIENTELE_INGEST_REPLICAS)');
    return o;
  })()), []);
  expectError((o) => { ordinal(o); container(o).args.push('--ingest_replicas=3'); },
    /'--ingest_replicas=3': the ingest replicas come from \$\(CLIENTELE_INGEST_REPLICAS\) only/);
});

test('invariant: the gateway names each identity read replica', () => {
  const withReplicas = (o, count, list) => {
    const replicas = cloneAs(find(o, 'StatefulSet'), 'StatefulSet', 'identity-replica');
    replicas.spec.replicas = count;
    for (const m of [replicas.spec.selector.matchLabels, replicas.spec.template.metadata.labels]) {
      m['app.kubernetes.io/component'] = 'identity-replica';
    }
    o.push(replicas, {
      apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: {name: 'identity-replica'},
      spec: {maxUnavailable: 1, selector: {matchLabels: {'app.kubernetes.io/component': 'identity-replica'}}},
    });
    if (list !== undefined) container(o).args.push(`--identity_replica_addr=${list}`);
  };
  const good = fixture();
  withReplicas(good, 2, 'identity-replica-0.identity-replica:50051,identity-replica-1.identity-replica:50051');
  assert.deepStrictEqual(errorsOf(good), []);
  expectError((o) => withReplicas(o, 3, 'identity-replica-0.identity-replica:50051,identity-replica-1.identity-replica:50051'),
    /--identity_replica_addr=.* must name each pod of StatefulSet\/identity-replica \(3 replicas\)/);
  expectError((o) => withReplicas(o, 2, 'identity-replica:50051'), /must name each pod/);
  expectError((o) => withReplicas(o, 1, undefined), /no gateway names its pods/);
});

test('invariant: variables in args resolve', () => {
  expectError((o) => { container(o).args.push('--primary=$(IDENTITY_PRIMARY)'); },
    /\$\(IDENTITY_PRIMARY\) in '--primary=\$\(IDENTITY_PRIMARY\)' is unresolved/);
});

test('invariant: one image reference, with a version tag', () => {
  expectError((o) => {
    const extra = cloneAs(find(o, 'StatefulSet'), 'StatefulSet', 'other');
    extra.spec.template.spec.containers[0].image = 'clientele/clienteled:0.0.9';
    o.push(extra);
  }, /containers use 2 image references/);
  expectError((o) => { container(o).image = 'clientele/clienteled:latest'; }, /must carry a version tag \(not latest\)/);
  expectError((o) => { container(o).image = 'clienteled'; }, /must carry a version tag/);
});

test('invariant: disruption budgets, services and autoscalers point at pods', () => {
  expectError((o) => { o.splice(o.indexOf(find(o, 'PodDisruptionBudget')), 1); },
    /StatefulSet\/clientele: no PodDisruptionBudget selects its pods/);
  expectError((o) => { find(o, 'Service').spec.selector['app.kubernetes.io/component'] = 'gone'; },
    /Service\/clientele: its selector matches no pod/);
  const hpa = (name) => ({
    apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: {name: 'h'},
    spec: {scaleTargetRef: {apiVersion: 'apps/v1', kind: 'StatefulSet', name}, minReplicas: 2, maxReplicas: 4},
  });
  expectError((o) => { o.push(hpa('missing')); }, /scaleTargetRef StatefulSet\/missing is not in the render/);
  expectError((o) => { find(o, 'StatefulSet').spec.replicas = 2; o.push(hpa('clientele')); },
    /StatefulSet\/clientele: spec\.replicas is set but HorizontalPodAutoscaler\/h owns it/);
});

test('invariant: alert expressions are PromQL', () => {
  const rule = (expr) => ({
    apiVersion: 'monitoring.coreos.com/v1', kind: 'PrometheusRule', metadata: {name: 'r'},
    spec: {groups: [{name: 'g', rules: [{alert: 'A', expr, labels: {severity: 'warning'}}]}]},
  });
  assert.deepStrictEqual(errorsOf([...fixture(), rule('max by (consumer) (clientele_log_consumer_lag_events) > 1e5')]), []);
  expectError((o) => { o.push(rule('sum(rate(grpc_server_handled_total[5m]) /')); },
    /PrometheusRule\/r: group g, rule A: expr does not parse at offset/);
  expectError((o) => { o.push(rule('max by consumer (clientele_log_consumer_lag_events)')); },
    /rule A: expr does not parse/);
});

test('the KEDA example of docs/operations.md is a valid ScaledObject', () => {
  const docs = fs.readFileSync(path.join(__dirname, '..', '..', 'docs', 'operations.md'), 'utf8');
  const blocks = [...docs.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1])
    .filter((text) => text.includes('kind: ScaledObject'));
  assert.strictEqual(blocks.length, 1, 'docs/operations.md has one ScaledObject example');
  const object = YAML.parse(blocks[0]);
  assert.deepStrictEqual(validateSchema(object), []);
  object.spec.triggers[0].metadata = 'not a map';
  assert.notDeepStrictEqual(validateSchema(object), []);
});
