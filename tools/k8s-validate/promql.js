// PromQL of PrometheusRule objects, parsed offline with the Prometheus UI's own grammar
// (@prometheus-io/lezer-promql): an expression that does not parse would be refused by the
// operator's admission webhook or, without it, make Prometheus drop the whole rule file.
'use strict';

const {parser} = require('@prometheus-io/lezer-promql');

// Returns the offsets of the parse errors of `expr` (empty when it parses).
function promqlErrors(expr) {
  const offsets = [];
  parser.parse(expr).iterate({
    enter: (node) => {
      if (node.type.isError) offsets.push(node.from);
    },
  });
  return offsets;
}

// Returns a list of error strings for one PrometheusRule.
function checkPrometheusRule(object) {
  const errors = [];
  for (const group of (object.spec && object.spec.groups) || []) {
    for (const rule of group.rules || []) {
      const name = rule.alert || rule.record;
      const expr = String(rule.expr);
      const offsets = promqlErrors(expr);
      if (offsets.length > 0) {
        const at = offsets[0];
        errors.push(`group ${group.name}, rule ${name}: expr does not parse at offset ${at}: ` +
          `'${expr.slice(Math.max(0, at - 20), at + 20).replace(/\s+/g, ' ')}'`);
      }
    }
  }
  return errors;
}

module.exports = {checkPrometheusRule, promqlErrors};
