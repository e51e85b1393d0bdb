// Schema validation of one Kubernetes object, offline.
//
// Built-in kinds: the JSON schemas bundled in kubernetes-models (the Kubernetes OpenAPI
// definitions, compiled with ajv); ServiceMonitor and PrometheusRule: the
// @kubernetes-models/prometheus-operator models; ScaledObject: @kubernetes-models/keda.
// Strimzi (kafka.strimzi.io/v1beta2): no model is published on npm, so strimzi_schema.js holds
// a subset schema of the fields these manifests use, written from Strimzi's API reference,
// that refuses unknown fields.
// An object of any other apiVersion/kind is an error: nothing passes unvalidated.
//
// Like kubeconform without -strict, the Kubernetes schemas do not refuse unknown fields
// (a misspelt optional field passes them); invariants.js checks the fields that matter here.
'use strict';

const Ajv = require('ajv');
const strimzi = require('./strimzi_schema');

const kModelPackages = [
  // [test on apiVersion, package prefix]
  [(group) => group === '' || !group.includes('.') || group.endsWith('.k8s.io'), 'kubernetes-models'],
  [(group) => group === 'monitoring.coreos.com', '@kubernetes-models/prometheus-operator'],
  [(group) => group === 'keda.sh', '@kubernetes-models/keda'],
];

let strimziValidators = null;

function strimziValidator(kind) {
  if (strimziValidators === null) {
    const ajv = new Ajv({allErrors: true, strict: true, allowUnionTypes: true});
    strimziValidators = {};
    for (const [name, schema] of Object.entries(strimzi.kinds)) {
      strimziValidators[name] = ajv.compile(schema);
    }
  }
  return strimziValidators[kind];
}

function formatAjvErrors(errors) {
  return errors.map((e) => {
    const where = e.instancePath === '' ? '(root)' : e.instancePath;
    const extra = e.keyword === 'additionalProperties' ? ` '${e.params.additionalProperty}'` : '';
    return `${where} ${e.message}${extra}`;
  });
}

// Returns a list of error strings (empty when the object is valid).
function validateSchema(object) {
  const apiVersion = object.apiVersion;
  const kind = object.kind;
  if (typeof apiVersion !== 'string' || typeof kind !== 'string') {
    return ['apiVersion and kind must be strings'];
  }
  const slash = apiVersion.lastIndexOf('/');
  const group = slash < 0 ? '' : apiVersion.slice(0, slash);
  const version = apiVersion.slice(slash + 1);

  if (group === strimzi.group) {
    if (version !== strimzi.version) {
      return [`no schema for ${apiVersion} (the Strimzi schema here is ${strimzi.group}/${strimzi.version})`];
    }
    const validate = strimziValidator(kind);
    if (!validate) return [`no schema for ${apiVersion} ${kind}`];
    return validate(object) ? [] : formatAjvErrors(validate.errors);
  }

  const entry = kModelPackages.find(([test]) => test(group));
  if (!entry) return [`no schema for ${apiVersion} ${kind}: refusing to pass it unvalidated`];
  const modulePath = [entry[1], group, version, kind].filter((part) => part !== '').join('/');
  let Model;
  try {
    Model = require(modulePath)[kind];
  } catch (error) {
    if (error.code === 'MODULE_NOT_FOUND') {
      return [`no schema for ${apiVersion} ${kind}: refusing to pass it unvalidated`];
    }
    throw error;
  }
  if (typeof Model !== 'function' || Model.apiVersion !== apiVersion) {
    return [`no schema for ${apiVersion} ${kind}: refusing to pass it unvalidated`];
  }
  try {
    new Model(object).validate();
    return [];
  } catch (error) {
    return String(error.message).split(/, (?=data)/).map((line) => line.replace(/^data/, ''));
  }
}

module.exports = {validateSchema};
