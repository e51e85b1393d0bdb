// Clientele's deployment rules, checked on one rendered overlay (every object of one
// `kubectl kustomize` output). Each rule names the object and field it found wrong.
//
// Every pod (StatefulSet, Deployment, CronJob, Job):
//   - pod securityContext: runAsNonRoot, runAsUser 10001, fsGroup 10001, seccomp RuntimeDefault;
//   - every container: requests and limits of cpu and memory, requests <= limits; non-root
//     uid 10001, read-only root filesystem, no privilege escalation, capabilities drop ALL,
//     seccomp RuntimeDefault; /tmp on an emptyDir; every $(VAR) of args/command defined by the
//     container's env or by a ConfigMap of the same render (else the kubelet passes it as text);
//   - --partition_count, where given, is $(CLIENTELE_PARTITION_COUNT) (set once, in the
//     ConfigMap clientele-cluster), never a number; likewise --ingest_replicas, which every
//     container that says {ordinal} or --partitions=ordinal passes.
// Every server pod (StatefulSet, Deployment):
//   - startup, readiness and liveness probes that exec `clientele health` on its own gRPC port
//     over TLS (--server=localhost:PORT, --tls-ca=...);
//   - terminationGracePeriodSeconds at least --shutdown_delay_seconds + --shutdown_grace_seconds
//     + 5 (stopping consumers and flushing);
//   - a PodDisruptionBudget that selects its pods.
// The render as a whole: one image reference for every container (set once by kustomize
// images:), with a tag other than `latest`; every Service and HPA points at a workload of the
// render; a workload under an HPA leaves spec.replicas to it; the gateway's
// --identity_replica_addr names exactly the identity-replica pods; the ingest replicas and the
// KafkaTopic partitions agree with the ConfigMap clientele-cluster; every alert's PromQL parses.
'use strict';

const {checkPrometheusRule} = require('./promql');

const kUid = 10001;
const kClusterConfigMap = 'clientele-cluster';

function parseQuantity(value) {
  if (typeof value === 'number') return value;
  const match = /^([0-9.]+)(m|k|Ki|M|Mi|G|Gi|T|Ti)?$/.exec(String(value));
  if (!match) return NaN;
  const scale = {
    undefined: 1, m: 1e-3, k: 1e3, M: 1e6, G: 1e9, T: 1e12,
    Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3, Ti: 1024 ** 4,
  }[match[2]];
  return parseFloat(match[1]) * scale;
}

function podTemplateOf(object) {
  switch (object.kind) {
    case 'StatefulSet':
    case 'Deployment':
    case 'Job':
      return object.spec && object.spec.template;
    case 'CronJob':
      return object.spec && object.spec.jobTemplate && object.spec.jobTemplate.spec &&
        object.spec.jobTemplate.spec.template;
    default:
      return undefined;
  }
}

function isServer(object) {
  return object.kind === 'StatefulSet' || object.kind === 'Deployment';
}

function selects(selector, labels) {
  if (!selector || !labels) return false;
  const match = selector.matchLabels || selector;
  return Object.entries(match).every(([key, value]) => labels[key] === value);
}

function flagValue(args, flag) {
  const prefix = `--${flag}=`;
  const arg = (args || []).find((a) => a.startsWith(prefix));
  return arg === undefined ? undefined : arg.slice(prefix.length);
}

function checkContainer(report, container, pod, configMaps, server) {
  const where = `container ${container.name}`;
  const resources = container.resources || {};
  const values = {};
  for (const part of ['requests', 'limits']) {
    for (const resource of ['cpu', 'memory']) {
      const value = resources[part] && resources[part][resource];
      if (value === undefined) {
        report(`${where}: resources.${part}.${resource} is missing`);
      } else {
        values[`${part}.${resource}`] = parseQuantity(value);
      }
    }
  }
  for (const resource of ['cpu', 'memory']) {
    if (values[`requests.${resource}`] > values[`limits.${resource}`]) {
      report(`${where}: resources.requests.${resource} is above resources.limits.${resource}`);
    }
  }

  const sc = container.securityContext || {};
  if (sc.runAsNonRoot !== true) report(`${where}: securityContext.runAsNonRoot must be true`);
  if (sc.runAsUser !== kUid) report(`${where}: securityContext.runAsUser must be ${kUid}`);
  if (sc.readOnlyRootFilesystem !== true) {
    report(`${where}: securityContext.readOnlyRootFilesystem must be true`);
  }
  if (sc.allowPrivilegeEscalation !== false) {
    report(`${where}: securityContext.allowPrivilegeEscalation must be false`);
  }
  if (!(sc.capabilities && Array.isArray(sc.capabilities.drop) && sc.capabilities.drop.includes('ALL'))) {
    report(`${where}: securityContext.capabilities.drop must include ALL`);
  }
  if (!(sc.seccompProfile && sc.seccompProfile.type === 'RuntimeDefault')) {
    report(`${where}: securityContext.seccompProfile.type must be RuntimeDefault`);
  }

  const volumes = new Map(((pod.spec && pod.spec.volumes) || []).map((v) => [v.name, v]));
  const tmp = (container.volumeMounts || []).find((m) => m.mountPath === '/tmp');
  if (!tmp || !volumes.has(tmp.name) || !volumes.get(tmp.name).emptyDir) {
    report(`${where}: /tmp must be mounted from an emptyDir volume (the root filesystem is read-only)`);
  }
  for (const mount of container.volumeMounts || []) {
    if (!volumes.has(mount.name) && !(server && server.claimNames.has(mount.name))) {
      report(`${where}: volumeMounts ${mount.name} names no volume of the pod`);
    }
  }

  const defined = new Set((container.env || []).map((e) => e.name));
  for (const source of container.envFrom || []) {
    if (source.configMapRef) {
      const data = configMaps.get(source.configMapRef.name);
      if (data === undefined) {
        report(`${where}: envFrom ConfigMap ${source.configMapRef.name} is not in the render`);
      } else {
        for (const key of Object.keys(data)) defined.add(key);
      }
    }
  }
  for (const arg of [...(container.command || []), ...(container.args || [])]) {
    for (const match of String(arg).matchAll(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g)) {
      if (!defined.has(match[1])) {
        report(`${where}: $(${match[1]}) in '${arg}' is unresolved (no env or ConfigMap key of that name)`);
      }
    }
    if (/^--partition_count=/.test(arg) && arg !== '--partition_count=$(CLIENTELE_PARTITION_COUNT)') {
      report(`${where}: '${arg}': the partition count comes from $(CLIENTELE_PARTITION_COUNT) only`);
    }
    if (/^--ingest_replicas=/.test(arg) && arg !== '--ingest_replicas=$(CLIENTELE_INGEST_REPLICAS)') {
      report(`${where}: '${arg}': the ingest replicas come from $(CLIENTELE_INGEST_REPLICAS) only`);
    }
  }
  const args = container.args || [];
  if (args.some((a) => a.includes('{ordinal}') || a === '--partitions=ordinal') &&
      !args.includes('--ingest_replicas=$(CLIENTELE_INGEST_REPLICAS)')) {
    report(`${where}: '{ordinal}' and --partitions=ordinal need --ingest_replicas=$(CLIENTELE_INGEST_REPLICAS) ` +
      '(else partition p is looked for on pod p)');
  }

  if (server) {
    const grpcPort = (container.ports || []).find((p) => p.name === 'grpc');
    for (const probe of ['startupProbe', 'readinessProbe', 'livenessProbe']) {
      const command = container[probe] && container[probe].exec && container[probe].exec.command;
      if (!Array.isArray(command)) {
        report(`${where}: ${probe} must exec 'clientele health' (gRPC health over TLS)`);
        continue;
      }
      if (command[0] !== 'clientele' || command[1] !== 'health') {
        report(`${where}: ${probe} must exec 'clientele health', not '${command.join(' ')}'`);
      }
      if (!grpcPort || !command.includes(`--server=localhost:${grpcPort.containerPort}`)) {
        report(`${where}: ${probe} must check --server=localhost:<the container's grpc port>`);
      }
      if (!command.some((c) => c.startsWith('--tls-ca='))) {
        report(`${where}: ${probe} must pass --tls-ca (the servers speak TLS only)`);
      }
    }
    const delay = parseFloat(flagValue(container.args, 'shutdown_delay_seconds') || '0');
    const grace = parseFloat(flagValue(container.args, 'shutdown_grace_seconds') || '10');
    const period = pod.spec.terminationGracePeriodSeconds;
    if (!(typeof period === 'number' && period >= delay + grace + 5)) {
      report(`${where}: terminationGracePeriodSeconds (${period}) must be at least ` +
        `--shutdown_delay_seconds + --shutdown_grace_seconds + 5 = ${delay + grace + 5}`);
    }
  }
}

function checkPod(report, object, configMaps) {
  const pod = podTemplateOf(object);
  if (!pod || !pod.spec) {
    report('has no pod template');
    return [];
  }
  const psc = pod.spec.securityContext || {};
  if (psc.runAsNonRoot !== true) report('pod securityContext.runAsNonRoot must be true');
  if (psc.runAsUser !== kUid) report(`pod securityContext.runAsUser must be ${kUid}`);
  if (psc.fsGroup !== kUid) report(`pod securityContext.fsGroup must be ${kUid} (the data volume's group)`);
  if (!(psc.seccompProfile && psc.seccompProfile.type === 'RuntimeDefault')) {
    report('pod securityContext.seccompProfile.type must be RuntimeDefault');
  }
  const server = isServer(object) ? {
    claimNames: new Set(((object.spec && object.spec.volumeClaimTemplates) || []).map((c) => c.metadata.name)),
  } : null;
  const containers = [...(pod.spec.initContainers || []), ...(pod.spec.containers || [])];
  for (const container of containers) {
    checkContainer(report, container, pod, configMaps, server);
  }
  return containers.map((c) => c.image);
}

// Returns a list of error strings for the whole render.
function checkInvariants(objects) {
  const errors = [];
  const name = (o) => `${o.kind}/${o.metadata && o.metadata.name}`;
  const configMaps = new Map(objects.filter((o) => o.kind === 'ConfigMap')
    .map((o) => [o.metadata.name, o.data || {}]));
  const workloads = objects.filter((o) => podTemplateOf(o) !== undefined);
  const servers = workloads.filter(isServer);
  const images = new Set();

  for (const object of workloads) {
    const report = (message) => errors.push(`${name(object)}: ${message}`);
    for (const image of checkPod(report, object, configMaps)) images.add(image);
  }

  if (images.size > 1) {
    errors.push(`containers use ${images.size} image references (${[...images].join(', ')}): ` +
      'set the image once, with kustomize images:');
  }
  for (const image of images) {
    if (typeof image !== 'string' || !/^[^@]+:[^/:]+$/.test(image) || image.endsWith(':latest')) {
      errors.push(`image '${image}' must carry a version tag (not latest)`);
    }
  }

  const pdbs = objects.filter((o) => o.kind === 'PodDisruptionBudget');
  for (const object of servers) {
    const labels = object.spec.template.metadata && object.spec.template.metadata.labels;
    if (!pdbs.some((p) => selects(p.spec && p.spec.selector, labels))) {
      errors.push(`${name(object)}: no PodDisruptionBudget selects its pods`);
    }
  }
  for (const pdb of pdbs) {
    if (!workloads.some((w) => selects(pdb.spec.selector, w.spec.template && w.spec.template.metadata.labels))) {
      errors.push(`${name(pdb)}: selects no pod of the render`);
    }
  }
  for (const service of objects.filter((o) => o.kind === 'Service')) {
    if (!servers.some((w) => selects(service.spec.selector, w.spec.template.metadata.labels))) {
      errors.push(`${name(service)}: its selector matches no pod of the render`);
    }
  }
  for (const hpa of objects.filter((o) => o.kind === 'HorizontalPodAutoscaler')) {
    const ref = hpa.spec.scaleTargetRef;
    const target = servers.find((w) => w.kind === ref.kind && w.metadata.name === ref.name);
    if (!target) {
      errors.push(`${name(hpa)}: scaleTargetRef ${ref.kind}/${ref.name} is not in the render`);
    } else if (target.spec.replicas !== undefined) {
      errors.push(`${name(target)}: spec.replicas is set but ${name(hpa)} owns it (leave it out)`);
    }
  }

  // The gateway names every identity read replica (an erasure waits on each): the list must be
  // exactly the pods of the identity-replica StatefulSet.
  const replicaSet = objects.find((o) => o.kind === 'StatefulSet' && o.metadata.name === 'identity-replica');
  for (const object of servers) {
    for (const container of object.spec.template.spec.containers || []) {
      const list = flagValue(container.args, 'identity_replica_addr');
      if (list === undefined && replicaSet === undefined) continue;
      const count = replicaSet ? replicaSet.spec.replicas : 0;
      const port = list === undefined ? '50051' : (list.split(',')[0].split(':')[1] || '50051');
      const expected = Array.from({length: count || 0},
        (_, i) => `identity-replica-${i}.identity-replica:${port}`).join(',');
      if (list !== undefined && list !== expected) {
        errors.push(`${name(object)}: --identity_replica_addr=${list} must name each pod of ` +
          `StatefulSet/identity-replica (${count} replicas): ${expected || 'none'}`);
      }
    }
  }
  if (replicaSet && !servers.some((o) => (o.spec.template.spec.containers || [])
    .some((c) => flagValue(c.args, 'identity_replica_addr') !== undefined))) {
    errors.push('StatefulSet/identity-replica: no gateway names its pods (--identity_replica_addr)');
  }
  if (replicaSet && objects.some((o) => o.kind === 'HorizontalPodAutoscaler' &&
    o.spec.scaleTargetRef.name === 'identity-replica')) {
    errors.push('StatefulSet/identity-replica: an HPA would change the pods the gateway lists by name');
  }

  for (const rule of objects.filter((o) => o.kind === 'PrometheusRule')) {
    for (const error of checkPrometheusRule(rule)) errors.push(`${name(rule)}: ${error}`);
  }

  const cluster = configMaps.get(kClusterConfigMap);
  if (workloads.length > 0 && cluster === undefined) {
    errors.push(`ConfigMap/${kClusterConfigMap} is missing (the cluster's partition count)`);
  }
  if (cluster !== undefined) {
    const partitions = Number(cluster.CLIENTELE_PARTITION_COUNT);
    if (!(Number.isInteger(partitions) && partitions >= 1)) {
      errors.push(`ConfigMap/${kClusterConfigMap}: CLIENTELE_PARTITION_COUNT must be a positive integer`);
    }
    const ingest = objects.find((o) => o.kind === 'StatefulSet' && o.metadata.name === 'ingest');
    if (ingest) {
      const replicas = Number(cluster.CLIENTELE_INGEST_REPLICAS);
      if (ingest.spec.replicas !== replicas) {
        errors.push(`StatefulSet/ingest: spec.replicas ${ingest.spec.replicas} differs from ` +
          `CLIENTELE_INGEST_REPLICAS ${cluster.CLIENTELE_INGEST_REPLICAS}`);
      }
      if (!(replicas >= 1 && replicas <= partitions)) {
        errors.push(`ConfigMap/${kClusterConfigMap}: CLIENTELE_INGEST_REPLICAS must be 1..CLIENTELE_PARTITION_COUNT`);
      }
    }
    for (const topic of objects.filter((o) => o.kind === 'KafkaTopic')) {
      if (topic.spec.partitions !== partitions) {
        errors.push(`${name(topic)}: spec.partitions ${topic.spec.partitions} differs from ` +
          `CLIENTELE_PARTITION_COUNT ${cluster.CLIENTELE_PARTITION_COUNT}`);
      }
    }
  }
  return errors;
}

module.exports = {checkInvariants, parseQuantity};
