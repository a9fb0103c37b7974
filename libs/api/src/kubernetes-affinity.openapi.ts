// Vendored from the OpenAPI v3 document of Kubernetes v1.36.3 (/openapi/v3/api/v1) by
// libs/api/bin/vendor-affinity.js: io.k8s.api.core.v1.Affinity and the types it references, unchanged.
// Do not edit by hand; run the script again to follow a newer Kubernetes.
export const AFFINITY_ROOT = 'io.k8s.api.core.v1.Affinity';

export const affinityComponents: Record<string, unknown> = {
  'io.k8s.api.core.v1.Affinity': {
    description: 'Affinity is a group of affinity scheduling rules.',
    type: 'object',
    properties: {
      nodeAffinity: {
        description: 'Describes node affinity scheduling rules for the pod.',
        allOf: [
          {
            $ref: '#/components/schemas/io.k8s.api.core.v1.NodeAffinity',
          },
        ],
      },
      podAffinity: {
        description:
          'Describes pod affinity scheduling rules (e.g. co-locate this pod in the same node, zone, etc. as some other pod(s)).',
        allOf: [
          {
            $ref: '#/components/schemas/io.k8s.api.core.v1.PodAffinity',
          },
        ],
      },
      podAntiAffinity: {
        description:
          'Describes pod anti-affinity scheduling rules (e.g. avoid putting this pod in the same node, zone, etc. as some other pod(s)).',
        allOf: [
          {
            $ref: '#/components/schemas/io.k8s.api.core.v1.PodAntiAffinity',
          },
        ],
      },
    },
  },
  'io.k8s.api.core.v1.NodeAffinity': {
    description: 'Node affinity is a group of node affinity scheduling rules.',
    type: 'object',
    properties: {
      preferredDuringSchedulingIgnoredDuringExecution: {
        description:
          'The scheduler will prefer to schedule pods to nodes that satisfy the affinity expressions specified by this field, but it may choose a node that violates one or more of the expressions. The node that is most preferred is the one with the greatest sum of weights, i.e. for each node that meets all of the scheduling requirements (resource request, requiredDuringScheduling affinity expressions, etc.), compute a sum by iterating through the elements of this field and adding "weight" to the sum if the node matches the corresponding matchExpressions; the node(s) with the highest sum are the most preferred.',
        type: 'array',
        items: {
          default: {},
          allOf: [
            {
              $ref: '#/components/schemas/io.k8s.api.core.v1.PreferredSchedulingTerm',
            },
          ],
        },
        'x-kubernetes-list-type': 'atomic',
      },
      requiredDuringSchedulingIgnoredDuringExecution: {
        description:
          'If the affinity requirements specified by this field are not met at scheduling time, the pod will not be scheduled onto the node. If the affinity requirements specified by this field cease to be met at some point during pod execution (e.g. due to an update), the system may or may not try to eventually evict the pod from its node.',
        allOf: [
          {
            $ref: '#/components/schemas/io.k8s.api.core.v1.NodeSelector',
          },
        ],
      },
    },
  },
  'io.k8s.api.core.v1.NodeSelector': {
    description:
      'A node selector represents the union of the results of one or more label queries over a set of nodes; that is, it represents the OR of the selectors represented by the node selector terms.',
    type: 'object',
    required: ['nodeSelectorTerms'],
    properties: {
      nodeSelectorTerms: {
        description: 'Required. A list of node selector terms. The terms are ORed.',
        type: 'array',
        items: {
          default: {},
          allOf: [
            {
              $ref: '#/components/schemas/io.k8s.api.core.v1.NodeSelectorTerm',
            },
          ],
        },
        'x-kubernetes-list-type': 'atomic',
      },
    },
    'x-kubernetes-map-type': 'atomic',
  },
  'io.k8s.api.core.v1.NodeSelectorRequirement': {
    description:
      'A node selector requirement is a selector that contains values, a key, and an operator that relates the key and values.',
    type: 'object',
    required: ['key', 'operator'],
    properties: {
      key: {
        description: 'The label key that the selector applies to.',
        type: 'string',
        default: '',
      },
      operator: {
        description:
          'Represents a key\'s relationship to a set of values. Valid operators are In, NotIn, Exists, DoesNotExist. Gt, and Lt.\n\nPossible enum values:\n - `"DoesNotExist"`\n - `"Exists"`\n - `"Gt"`\n - `"In"`\n - `"Lt"`\n - `"NotIn"`',
        type: 'string',
        default: '',
        enum: ['DoesNotExist', 'Exists', 'Gt', 'In', 'Lt', 'NotIn'],
      },
      values: {
        description:
          'An array of string values. If the operator is In or NotIn, the values array must be non-empty. If the operator is Exists or DoesNotExist, the values array must be empty. If the operator is Gt or Lt, the values array must have a single element, which will be interpreted as an integer. This array is replaced during a strategic merge patch.',
        type: 'array',
        items: {
          type: 'string',
          default: '',
        },
        'x-kubernetes-list-type': 'atomic',
      },
    },
  },
  'io.k8s.api.core.v1.NodeSelectorTerm': {
    description:
      'A null or empty node selector term matches no objects. The requirements of them are ANDed. The TopologySelectorTerm type implements a subset of the NodeSelectorTerm.',
    type: 'object',
    properties: {
      matchExpressions: {
        description: "A list of node selector requirements by node's labels.",
        type: 'array',
        items: {
          default: {},
          allOf: [
            {
              $ref: '#/components/schemas/io.k8s.api.core.v1.NodeSelectorRequirement',
            },
          ],
        },
        'x-kubernetes-list-type': 'atomic',
      },
      matchFields: {
        description: "A list of node selector requirements by node's fields.",
        type: 'array',
        items: {
          default: {},
          allOf: [
            {
              $ref: '#/components/schemas/io.k8s.api.core.v1.NodeSelectorRequirement',
            },
          ],
        },
        'x-kubernetes-list-type': 'atomic',
      },
    },
    'x-kubernetes-map-type': 'atomic',
  },
  'io.k8s.api.core.v1.PodAffinity': {
    description: 'Pod affinity is a group of inter pod affinity scheduling rules.',
    type: 'object',
    properties: {
      preferredDuringSchedulingIgnoredDuringExecution: {
        description:
          'The scheduler will prefer to schedule pods to nodes that satisfy the affinity expressions specified by this field, but it may choose a node that violates one or more of the expressions. The node that is most preferred is the one with the greatest sum of weights, i.e. for each node that meets all of the scheduling requirements (resource request, requiredDuringScheduling affinity expressions, etc.), compute a sum by iterating through the elements of this field and adding "weight" to the sum if the node has pods which matches the corresponding podAffinityTerm; the node(s) with the highest sum are the most preferred.',
        type: 'array',
        items: {
          default: {},
          allOf: [
            {
              $ref: '#/components/schemas/io.k8s.api.core.v1.WeightedPodAffinityTerm',
            },
          ],
        },
        'x-kubernetes-list-type': 'atomic',
      },
      requiredDuringSchedulingIgnoredDuringExecution: {
        description:
          'If the affinity requirements specified by this field are not met at scheduling time, the pod will not be scheduled onto the node. If the affinity requirements specified by this field cease to be met at some point during pod execution (e.g. due to a pod label update), the system may or may not try to eventually evict the pod from its node. When there are multiple elements, the lists of nodes corresponding to each podAffinityTerm are intersected, i.e. all terms must be satisfied.',
        type: 'array',
        items: {
          default: {},
          allOf: [
            {
              $ref: '#/components/schemas/io.k8s.api.core.v1.PodAffinityTerm',
            },
          ],
        },
        'x-kubernetes-list-type': 'atomic',
      },
    },
  },
  'io.k8s.api.core.v1.PodAffinityTerm': {
    description:
      'Defines a set of pods (namely those matching the labelSelector relative to the given namespace(s)) that this pod should be co-located (affinity) or not co-located (anti-affinity) with, where co-located is defined as running on a node whose value of the label with key <topologyKey> matches that of any node on which a pod of the set of pods is running',
    type: 'object',
    required: ['topologyKey'],
    properties: {
      labelSelector: {
        description:
          "A label query over a set of resources, in this case pods. If it's null, this PodAffinityTerm matches with no Pods.",
        allOf: [
          {
            $ref: '#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector',
          },
        ],
      },
      matchLabelKeys: {
        description:
          "MatchLabelKeys is a set of pod label keys to select which pods will be taken into consideration. The keys are used to lookup values from the incoming pod labels, those key-value labels are merged with `labelSelector` as `key in (value)` to select the group of existing pods which pods will be taken into consideration for the incoming pod's pod (anti) affinity. Keys that don't exist in the incoming pod labels will be ignored. The default value is empty. The same key is forbidden to exist in both matchLabelKeys and labelSelector. Also, matchLabelKeys cannot be set when labelSelector isn't set.",
        type: 'array',
        items: {
          type: 'string',
          default: '',
        },
        'x-kubernetes-list-type': 'atomic',
      },
      mismatchLabelKeys: {
        description:
          "MismatchLabelKeys is a set of pod label keys to select which pods will be taken into consideration. The keys are used to lookup values from the incoming pod labels, those key-value labels are merged with `labelSelector` as `key notin (value)` to select the group of existing pods which pods will be taken into consideration for the incoming pod's pod (anti) affinity. Keys that don't exist in the incoming pod labels will be ignored. The default value is empty. The same key is forbidden to exist in both mismatchLabelKeys and labelSelector. Also, mismatchLabelKeys cannot be set when labelSelector isn't set.",
        type: 'array',
        items: {
          type: 'string',
          default: '',
        },
        'x-kubernetes-list-type': 'atomic',
      },
      namespaceSelector: {
        description:
          'A label query over the set of namespaces that the term applies to. The term is applied to the union of the namespaces selected by this field and the ones listed in the namespaces field. null selector and null or empty namespaces list means "this pod\'s namespace". An empty selector ({}) matches all namespaces.',
        allOf: [
          {
            $ref: '#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector',
          },
        ],
      },
      namespaces: {
        description:
          'namespaces specifies a static list of namespace names that the term applies to. The term is applied to the union of the namespaces listed in this field and the ones selected by namespaceSelector. null or empty namespaces list and null namespaceSelector means "this pod\'s namespace".',
        type: 'array',
        items: {
          type: 'string',
          default: '',
        },
        'x-kubernetes-list-type': 'atomic',
      },
      topologyKey: {
        description:
          'This pod should be co-located (affinity) or not co-located (anti-affinity) with the pods matching the labelSelector in the specified namespaces, where co-located is defined as running on a node whose value of the label with key topologyKey matches that of any node on which any of the selected pods is running. Empty topologyKey is not allowed.',
        type: 'string',
        default: '',
      },
    },
  },
  'io.k8s.api.core.v1.PodAntiAffinity': {
    description: 'Pod anti affinity is a group of inter pod anti affinity scheduling rules.',
    type: 'object',
    properties: {
      preferredDuringSchedulingIgnoredDuringExecution: {
        description:
          'The scheduler will prefer to schedule pods to nodes that satisfy the anti-affinity expressions specified by this field, but it may choose a node that violates one or more of the expressions. The node that is most preferred is the one with the greatest sum of weights, i.e. for each node that meets all of the scheduling requirements (resource request, requiredDuringScheduling anti-affinity expressions, etc.), compute a sum by iterating through the elements of this field and subtracting "weight" from the sum if the node has pods which matches the corresponding podAffinityTerm; the node(s) with the highest sum are the most preferred.',
        type: 'array',
        items: {
          default: {},
          allOf: [
            {
              $ref: '#/components/schemas/io.k8s.api.core.v1.WeightedPodAffinityTerm',
            },
          ],
        },
        'x-kubernetes-list-type': 'atomic',
      },
      requiredDuringSchedulingIgnoredDuringExecution: {
        description:
          'If the anti-affinity requirements specified by this field are not met at scheduling time, the pod will not be scheduled onto the node. If the anti-affinity requirements specified by this field cease to be met at some point during pod execution (e.g. due to a pod label update), the system may or may not try to eventually evict the pod from its node. When there are multiple elements, the lists of nodes corresponding to each podAffinityTerm are intersected, i.e. all terms must be satisfied.',
        type: 'array',
        items: {
          default: {},
          allOf: [
            {
              $ref: '#/components/schemas/io.k8s.api.core.v1.PodAffinityTerm',
            },
          ],
        },
        'x-kubernetes-list-type': 'atomic',
      },
    },
  },
  'io.k8s.api.core.v1.PreferredSchedulingTerm': {
    description:
      "An empty preferred scheduling term matches all objects with implicit weight 0 (i.e. it's a no-op). A null preferred scheduling term matches no objects (i.e. is also a no-op).",
    type: 'object',
    required: ['weight', 'preference'],
    properties: {
      preference: {
        description: 'A node selector term, associated with the corresponding weight.',
        default: {},
        allOf: [
          {
            $ref: '#/components/schemas/io.k8s.api.core.v1.NodeSelectorTerm',
          },
        ],
      },
      weight: {
        description: 'Weight associated with matching the corresponding nodeSelectorTerm, in the range 1-100.',
        type: 'integer',
        format: 'int32',
        default: 0,
      },
    },
  },
  'io.k8s.api.core.v1.WeightedPodAffinityTerm': {
    description:
      'The weights of all of the matched WeightedPodAffinityTerm fields are added per-node to find the most preferred node(s)',
    type: 'object',
    required: ['weight', 'podAffinityTerm'],
    properties: {
      podAffinityTerm: {
        description: 'Required. A pod affinity term, associated with the corresponding weight.',
        default: {},
        allOf: [
          {
            $ref: '#/components/schemas/io.k8s.api.core.v1.PodAffinityTerm',
          },
        ],
      },
      weight: {
        description: 'weight associated with matching the corresponding podAffinityTerm, in the range 1-100.',
        type: 'integer',
        format: 'int32',
        default: 0,
      },
    },
  },
  'io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector': {
    description:
      'A label selector is a label query over a set of resources. The result of matchLabels and matchExpressions are ANDed. An empty label selector matches all objects. A null label selector matches no objects.',
    type: 'object',
    properties: {
      matchExpressions: {
        description: 'matchExpressions is a list of label selector requirements. The requirements are ANDed.',
        type: 'array',
        items: {
          default: {},
          allOf: [
            {
              $ref: '#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelectorRequirement',
            },
          ],
        },
        'x-kubernetes-list-type': 'atomic',
      },
      matchLabels: {
        description:
          'matchLabels is a map of {key,value} pairs. A single {key,value} in the matchLabels map is equivalent to an element of matchExpressions, whose key field is "key", the operator is "In", and the values array contains only "value". The requirements are ANDed.',
        type: 'object',
        additionalProperties: {
          type: 'string',
          default: '',
        },
      },
    },
    'x-kubernetes-map-type': 'atomic',
  },
  'io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelectorRequirement': {
    description:
      'A label selector requirement is a selector that contains values, a key, and an operator that relates the key and values.',
    type: 'object',
    required: ['key', 'operator'],
    properties: {
      key: {
        description: 'key is the label key that the selector applies to.',
        type: 'string',
        default: '',
      },
      operator: {
        description:
          "operator represents a key's relationship to a set of values. Valid operators are In, NotIn, Exists and DoesNotExist.",
        type: 'string',
        default: '',
      },
      values: {
        description:
          'values is an array of string values. If the operator is In or NotIn, the values array must be non-empty. If the operator is Exists or DoesNotExist, the values array must be empty. This array is replaced during a strategic merge patch.',
        type: 'array',
        items: {
          type: 'string',
          default: '',
        },
        'x-kubernetes-list-type': 'atomic',
      },
    },
  },
};
