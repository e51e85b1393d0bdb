// JSON schemas (ajv, draft-07) for the Strimzi kinds k8s/components/kafka uses, written from
// Strimzi's kafka.strimzi.io/v1beta2 API reference: the fields used there (and a few common
// neighbours), with their types, enums and required members. Unknown fields are refused (a
// misspelt field would be ignored by the operator), so a new field used in the manifests must
// be added here.
'use strict';

const kName = {type: 'string', pattern: '^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$', maxLength: 253};
const kQuantity = {type: ['string', 'number'], pattern: '^[0-9.]+(m|k|Ki|M|Mi|G|Gi|T|Ti|e[0-9]+)?$'};
const kResources = {
  type: 'object',
  additionalProperties: false,
  properties: {
    requests: {type: 'object', additionalProperties: false, properties: {cpu: kQuantity, memory: kQuantity}},
    limits: {type: 'object', additionalProperties: false, properties: {cpu: kQuantity, memory: kQuantity}},
  },
};
const kConfig = {
  type: 'object',
  additionalProperties: {type: ['string', 'number', 'boolean']},
};
const kMetadata = (needsCluster) => ({
  type: 'object',
  required: needsCluster ? ['name', 'labels'] : ['name'],
  properties: {
    name: kName,
    namespace: kName,
    labels: {
      type: 'object',
      additionalProperties: {type: 'string'},
      properties: {'strimzi.io/cluster': {type: 'string', minLength: 1}},
      ...(needsCluster ? {required: ['strimzi.io/cluster']} : {}),
    },
    annotations: {type: 'object', additionalProperties: {type: 'string'}},
  },
});
const kVolume = {
  type: 'object',
  additionalProperties: false,
  required: ['type'],
  properties: {
    id: {type: 'integer', minimum: 0},
    type: {enum: ['ephemeral', 'persistent-claim']},
    size: {type: 'string', pattern: '^[0-9]+([KMGT]i?)?$'},
    sizeLimit: {type: 'string'},
    class: {type: 'string'},
    deleteClaim: {type: 'boolean'},
    kraftMetadata: {enum: ['shared']},
  },
};
const kStorage = {
  type: 'object',
  oneOf: [
    {
      additionalProperties: false,
      required: ['type', 'volumes'],
      properties: {type: {const: 'jbod'}, volumes: {type: 'array', minItems: 1, items: kVolume}},
    },
    {...kVolume, properties: {...kVolume.properties, type: {enum: ['ephemeral', 'persistent-claim']}}},
  ],
};
const kObject = (apiKind, spec, needsCluster) => ({
  type: 'object',
  additionalProperties: false,
  required: ['apiVersion', 'kind', 'metadata', 'spec'],
  properties: {
    apiVersion: {const: 'kafka.strimzi.io/v1beta2'},
    kind: {const: apiKind},
    metadata: kMetadata(needsCluster),
    spec,
  },
});

const kListener = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'port', 'type', 'tls'],
  properties: {
    name: {type: 'string', pattern: '^[a-z0-9]{1,11}$'},
    port: {type: 'integer', minimum: 9092},
    type: {enum: ['internal', 'route', 'loadbalancer', 'nodeport', 'ingress', 'cluster-ip']},
    tls: {type: 'boolean'},
    authentication: {
      type: 'object',
      required: ['type'],
      properties: {type: {enum: ['tls', 'scram-sha-512', 'oauth', 'custom']}},
    },
    configuration: {type: 'object'},
    networkPolicyPeers: {type: 'array'},
  },
};

const kinds = {
  Kafka: kObject('Kafka', {
    type: 'object',
    additionalProperties: false,
    required: ['kafka'],
    properties: {
      kafka: {
        type: 'object',
        additionalProperties: false,
        required: ['listeners'],
        properties: {
          version: {type: 'string'},
          metadataVersion: {type: 'string'},
          replicas: {type: 'integer', minimum: 1},
          listeners: {type: 'array', minItems: 1, items: kListener},
          authorization: {
            type: 'object',
            required: ['type'],
            properties: {
              type: {enum: ['simple', 'opa', 'keycloak', 'custom']},
              superUsers: {type: 'array', items: {type: 'string'}},
            },
          },
          config: kConfig,
          storage: kStorage,
          resources: kResources,
          jvmOptions: {type: 'object'},
          rack: {type: 'object'},
          template: {type: 'object'},
          logging: {type: 'object'},
        },
      },
      entityOperator: {
        type: 'object',
        additionalProperties: false,
        properties: {
          topicOperator: {type: 'object'},
          userOperator: {type: 'object'},
          template: {type: 'object'},
        },
      },
      cruiseControl: {type: 'object'},
      kafkaExporter: {type: 'object'},
    },
  }, false),
  KafkaNodePool: kObject('KafkaNodePool', {
    type: 'object',
    additionalProperties: false,
    required: ['replicas', 'roles', 'storage'],
    properties: {
      replicas: {type: 'integer', minimum: 0},
      roles: {type: 'array', minItems: 1, uniqueItems: true, items: {enum: ['controller', 'broker']}},
      storage: kStorage,
      resources: kResources,
      jvmOptions: {type: 'object'},
      template: {type: 'object'},
    },
  }, true),
  KafkaTopic: kObject('KafkaTopic', {
    type: 'object',
    additionalProperties: false,
    properties: {
      topicName: {type: 'string', pattern: '^[a-zA-Z0-9._-]{1,249}$'},
      partitions: {type: 'integer', minimum: 1},
      replicas: {type: 'integer', minimum: 1, maximum: 32767},
      config: kConfig,
    },
  }, true),
  KafkaUser: kObject('KafkaUser', {
    type: 'object',
    additionalProperties: false,
    properties: {
      authentication: {
        type: 'object',
        additionalProperties: false,
        required: ['type'],
        properties: {type: {enum: ['tls', 'tls-external', 'scram-sha-512']}, password: {type: 'object'}},
      },
      authorization: {
        type: 'object',
        additionalProperties: false,
        required: ['type', 'acls'],
        properties: {
          type: {const: 'simple'},
          acls: {
            type: 'array',
            items: {
              type: 'object',
              additionalProperties: false,
              required: ['resource'],
              properties: {
                resource: {
                  type: 'object',
                  additionalProperties: false,
                  required: ['type'],
                  properties: {
                    type: {enum: ['topic', 'group', 'cluster', 'transactionalId']},
                    name: {type: 'string'},
                    patternType: {enum: ['literal', 'prefix']},
                  },
                },
                operations: {
                  type: 'array',
                  minItems: 1,
                  items: {
                    enum: ['Read', 'Write', 'Create', 'Delete', 'Alter', 'Describe', 'ClusterAction',
                      'AlterConfigs', 'DescribeConfigs', 'IdempotentWrite', 'All'],
                  },
                },
                host: {type: 'string'},
                type: {enum: ['allow', 'deny']},
              },
            },
          },
        },
      },
      quotas: {type: 'object'},
      template: {type: 'object'},
    },
  }, true),
};

module.exports = {group: 'kafka.strimzi.io', version: 'v1beta2', kinds};
