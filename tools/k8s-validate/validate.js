#!/usr/bin/env node
// Validates rendered Kubernetes manifests offline (no cluster, no network).
//
//   node validate.js [--schema-only] FILE...
//
// Each FILE is one render (`kubectl kustomize DIR` output: YAML documents separated by ---).
// Every object is checked against its schema (schemas.js); unless --schema-only, the objects
// of each FILE are also checked together against Clientele's deployment rules (invariants.js).
// Prints one line per error, `FILE: Kind/name: path message`, and a summary line; exits 0 when
// everything is valid, 1 when anything is not, 2 on a usage error or a file that is not YAML.
// The npm packages come from tools/k8s-validate/install (run with NODE_PATH set to its output).
'use strict';

const fs = require('fs');
const YAML = require('yaml');
const {validateSchema} = require('./schemas');
const {checkInvariants} = require('./invariants');

function main(argv) {
  const schemaOnly = argv.includes('--schema-only');
  const files = argv.filter((a) => a !== '--schema-only');
  if (files.length === 0 || files.some((f) => f.startsWith('--'))) {
    process.stderr.write('usage: validate.js [--schema-only] FILE...\n');
    return 2;
  }
  let errorCount = 0;
  let objectCount = 0;
  for (const file of files) {
    let documents;
    try {
      documents = YAML.parseAllDocuments(fs.readFileSync(file, 'utf8'));
    } catch (error) {
      process.stderr.write(`${file}: ${error.message}\n`);
      return 2;
    }
    const objects = [];
    for (const document of documents) {
      if (document.errors.length > 0) {
        process.stderr.write(`${file}: not YAML: ${document.errors[0].message}\n`);
        return 2;
      }
      const object = document.toJS();
      if (object === null || object === undefined) continue;
      objects.push(object);
    }
    if (objects.length === 0) {
      process.stdout.write(`${file}: no objects\n`);
      errorCount++;
      continue;
    }
    for (const object of objects) {
      const label = `${object.kind}/${object.metadata && object.metadata.name}`;
      for (const error of validateSchema(object)) {
        process.stdout.write(`${file}: ${label}: ${error}\n`);
        errorCount++;
      }
    }
    if (!schemaOnly) {
      for (const error of checkInvariants(objects)) {
        process.stdout.write(`${file}: ${error}\n`);
        errorCount++;
      }
    }
    objectCount += objects.length;
  }
  process.stdout.write(`k8s-validate: ${objectCount} objects in ${files.length} file(s), ` +
    `${errorCount} error(s)${schemaOnly ? ' (schemas only)' : ''}\n`);
  return errorCount === 0 ? 0 : 1;
}

process.exitCode = main(process.argv.slice(2));
