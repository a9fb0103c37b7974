{{/*
Names. Object names are <fullname>-<component>; names of cluster-scoped objects also carry the
release namespace, so releases of the same name in two namespaces do not collide.
*/}}
{{- define "slm-fleet.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "slm-fleet.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 50 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 50 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 50 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "slm-fleet.clusterName" -}}
{{- printf "%s-%s" (include "slm-fleet.fullname" .) .Release.Namespace }}
{{- end }}

{{- define "slm-fleet.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Labels of every object. */}}
{{- define "slm-fleet.labels" -}}
helm.sh/chart: {{ include "slm-fleet.chart" . }}
{{ include "slm-fleet.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: slm-fleet
{{- end }}

{{/* Labels a component's Deployment selects its pods by. Call with (dict "ctx" $ "component" "operator"). */}}
{{- define "slm-fleet.componentSelector" -}}
{{ include "slm-fleet.selectorLabels" .ctx }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{- define "slm-fleet.selectorLabels" -}}
app.kubernetes.io/name: {{ include "slm-fleet.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "slm-fleet.componentLabels" -}}
{{ include "slm-fleet.labels" .ctx }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{/* The slm-fleet image reference: repository, then @digest or :tag (default appVersion). */}}
{{- define "slm-fleet.image" -}}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}
{{- end }}

{{/* The worker sidecar's image: the same image unless worker.image says otherwise. */}}
{{- define "slm-fleet.workerImage" -}}
{{- $repository := default .Values.image.repository .Values.worker.image.repository }}
{{- if .Values.worker.image.tag }}
{{- printf "%s:%s" $repository .Values.worker.image.tag }}
{{- else if .Values.image.digest }}
{{- printf "%s@%s" $repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" $repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}
{{- end }}

{{- define "slm-fleet.operatorServiceAccount" -}}
{{- default (printf "%s-operator" (include "slm-fleet.fullname" .)) .Values.operator.serviceAccount.name }}
{{- end }}

{{- define "slm-fleet.routerServiceAccount" -}}
{{- default (printf "%s-router" (include "slm-fleet.fullname" .)) .Values.router.serviceAccount.name }}
{{- end }}

{{- define "slm-fleet.routerNamespace" -}}
{{- default .Release.Namespace .Values.router.namespace }}
{{- end }}

{{- define "slm-fleet.leaseName" -}}
{{- default (printf "%s-operator" (include "slm-fleet.fullname" .)) .Values.operator.leaderElection.leaseName }}
{{- end }}


{{- define "slm-fleet.workerRedisSecretName" -}}
{{- default .Values.redis.urlSecret.name .Values.worker.redisSecret.name }}
{{- end }}

{{- define "slm-fleet.workerRedisSecretKey" -}}
{{- default .Values.redis.urlSecret.key .Values.worker.redisSecret.key }}
{{- end }}

{{/*
The restricted Pod Security Standard, for the operator and the router: non-root (the image's
uid 65532), no privilege escalation, no capabilities, read-only root filesystem, RuntimeDefault
seccomp.
*/}}
{{- define "slm-fleet.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: 65532
runAsGroup: 65532
seccompProfile:
  type: RuntimeDefault
{{- end }}

{{- define "slm-fleet.containerSecurityContext" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
runAsNonRoot: true
capabilities:
  drop: [ALL]
seccompProfile:
  type: RuntimeDefault
{{- end }}

{{/* Env of the services on Redis: the URL from the Secret (never inline), the queue prefix. */}}
{{- define "slm-fleet.redisEnv" -}}
- name: REDIS_URL
  valueFrom:
    secretKeyRef:
      name: {{ .Values.redis.urlSecret.name }}
      key: {{ .Values.redis.urlSecret.key }}
- name: SLM_FLEET_QUEUE_PREFIX
  value: {{ .Values.redis.queuePrefix | quote }}
{{- end }}

{{/* Prefer one replica per node; a user affinity replaces it. Call with (dict "ctx" $ "component" "operator" "affinity" .Values.operator.affinity). */}}
{{- define "slm-fleet.affinity" -}}
{{- if .affinity }}
{{- toYaml .affinity }}
{{- else }}
podAntiAffinity:
  preferredDuringSchedulingIgnoredDuringExecution:
    - weight: 100
      podAffinityTerm:
        topologyKey: kubernetes.io/hostname
        labelSelector:
          matchLabels:
            {{- include "slm-fleet.componentSelector" (dict "ctx" .ctx "component" .component) | nindent 12 }}
{{- end }}
{{- end }}

{{/* Checks across values that the schema cannot express; each message names the field. */}}
{{- define "slm-fleet.validate" -}}
{{- $names := list }}
{{- range .Values.gpuProfiles }}{{ $names = append $names .name }}{{ end }}
{{- if ne (len $names) (len (uniq $names)) }}
{{- fail (printf "gpuProfiles: each name must be unique, got %s" (join ", " $names)) }}
{{- end }}
{{- range .Values.defaultGpuProfiles }}
{{- if not (has . $names) }}
{{- fail (printf "defaultGpuProfiles: %q is not a gpuProfiles name (%s)" . (join ", " $names)) }}
{{- end }}
{{- end }}
{{- if and (gt (int .Values.operator.replicas) 1) (not .Values.operator.leaderElection.enabled) }}
{{- fail "operator.leaderElection.enabled must be true when operator.replicas is more than 1: replicas without a Lease would reconcile side by side" }}
{{- end }}
{{- end }}
