{{/* The function model generated from the declarations in code (scripts/gen-knative.ts). */}}
{{- define "taskwire.model" -}}
{{- .Files.Get "generated/functions.yaml" -}}
{{- end -}}

{{- define "taskwire.labels" -}}
app.kubernetes.io/name: {{ .name }}
app.kubernetes.io/part-of: taskwire
app.kubernetes.io/component: {{ .component }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .root.Chart.Name .root.Chart.Version }}
{{- end -}}

{{- define "taskwire.image" -}}
{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}
{{- end -}}

{{- define "taskwire.daprEnabled" -}}
{{- if or .Values.dapr.enabled (eq .Values.eventing.mode "dapr") -}}true{{- end -}}
{{- end -}}

{{/* Scaling of one function: the chart's defaults, the function's override, never below its declared minimum. */}}
{{- define "taskwire.scale" -}}
{{- $fn := .fn -}}
{{- $defaults := .root.Values.functions.defaults -}}
{{- $o := get (.root.Values.functions.overrides | default dict) $fn.id | default dict -}}
{{- $min := $defaults.minScale -}}
{{- if hasKey $o "minScale" }}{{ $min = $o.minScale }}{{ end -}}
{{- $min = max $min $fn.minScale -}}
{{- /* Dapr delivers events and cron ticks past queue-proxy: a consumer at zero would never wake. */ -}}
{{- if eq .root.Values.eventing.mode "dapr" }}{{ $min = max $min $fn.daprMinScale }}{{ end -}}
{{- $maxS := $defaults.maxScale -}}
{{- if hasKey $o "maxScale" }}{{ $maxS = $o.maxScale }}{{ end -}}
{{- $target := $defaults.target -}}
{{- if hasKey $o "target" }}{{ $target = $o.target }}{{ end -}}
minScale: {{ $min }}
maxScale: {{ max $maxS $min }}
target: {{ $target }}
{{- end -}}

{{- define "taskwire.securityContext" -}}
runAsNonRoot: true
runAsUser: 10001
runAsGroup: 10001
readOnlyRootFilesystem: true
allowPrivilegeEscalation: false
capabilities:
  drop:
    - ALL
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{- define "taskwire.daprAnnotations" -}}
dapr.io/enabled: "true"
dapr.io/app-id: {{ .id | quote }}
dapr.io/app-port: "8080"
dapr.io/metrics-port: {{ .root.Values.dapr.metricsPort | quote }}
dapr.io/config: taskwire
dapr.io/log-level: {{ .root.Values.dapr.logLevel | quote }}
dapr.io/sidecar-cpu-request: {{ .root.Values.dapr.sidecar.cpuRequest | quote }}
dapr.io/sidecar-memory-request: {{ .root.Values.dapr.sidecar.memoryRequest | quote }}
dapr.io/sidecar-cpu-limit: {{ .root.Values.dapr.sidecar.cpuLimit | quote }}
dapr.io/sidecar-memory-limit: {{ .root.Values.dapr.sidecar.memoryLimit | quote }}
{{- end -}}

{{/* Env vars of a function's container. */}}
{{- define "taskwire.env" -}}
{{- $root := .root -}}
{{- $fn := .fn -}}
{{- $dapr := include "taskwire.daprEnabled" $root -}}
- name: FUNCTION
  value: {{ $fn.id | quote }}
- name: BUS
  value: {{ $root.Values.eventing.mode | quote }}
- name: TICKS
  value: {{ $fn.ticks | quote }}
- name: HOST
  value: 0.0.0.0
- name: NODE_ENV
  value: production
{{- $o := get ($root.Values.functions.overrides | default dict) $fn.id | default dict }}
# Connections of this instance's pool; the budget is in DEPLOY.md.
- name: DATABASE_POOL_MAX
  value: {{ (hasKey $o "databasePoolMax" | ternary $o.databasePoolMax $root.Values.functions.defaults.databasePoolMax) | toString | quote }}
{{- if eq $root.Values.eventing.mode "knative" }}
# The SinkBinding injects K_SINK as well; this default lets a revision start before it did.
- name: K_SINK
  value: {{ printf "http://kafka-broker-ingress.knative-eventing.svc.cluster.local/%s/%s" $root.Release.Namespace $root.Values.eventing.broker.name | quote }}
{{- end }}
- name: DAPR_ENABLED
  value: {{ ternary "true" "false" (eq $dapr "true") | quote }}
{{- if eq $root.Values.secrets.source "dapr" }}
- name: DAPR_SECRET_STORE
  value: taskwire-secrets
- name: DAPR_SECRETS
  value: {{ printf "DATABASE_URL=%s/%s,AUTH_TOKEN=%s/%s" $root.Values.database.secretName $root.Values.database.urlKey $root.Values.auth.secretName $root.Values.auth.tokenKey }}{{ range $root.Values.extraSecretEnv }},{{ .env }}={{ .secretName }}/{{ .key }}{{ end }}
{{- else }}
- name: DATABASE_URL
  valueFrom:
    secretKeyRef:
      name: {{ $root.Values.database.secretName }}
      key: {{ $root.Values.database.urlKey }}
- name: AUTH_TOKEN
  valueFrom:
    secretKeyRef:
      name: {{ $root.Values.auth.secretName }}
      key: {{ $root.Values.auth.tokenKey }}
{{- range $root.Values.extraSecretEnv }}
- name: {{ .env }}
  valueFrom:
    secretKeyRef:
      name: {{ .secretName }}
      key: {{ .key }}
{{- end }}
{{- end }}
{{- end -}}

{{- define "taskwire.serviceRef" -}}
apiVersion: serving.knative.dev/v1
kind: Service
name: {{ . }}
{{- end -}}
