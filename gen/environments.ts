// THE table of per-environment settings: every difference between dev, staging and prod lives here
// and nowhere else. gen/ renders it into overlays/<env> and argocd/; scripts/promote.mjs edits the
// `image:` line of one environment (one commit per promotion); tests derive their expectations from it.
//
// To change an environment: edit this file, run `npm run synth`, commit, push. Argo CD does the rest.

import type { AiBackend, LogLevel } from '../src/contract.ts'

export type EnvName = 'dev' | 'staging' | 'prod'

export interface Resources {
  requests: { cpu: string; memory: string }
  limits: { cpu: string; memory: string }
}

export interface Environment {
  name: EnvName
  /** Kubernetes namespace; one Argo CD Application owns it. */
  namespace: string
  /** Argo CD destination; the default is the cluster Argo CD runs in. */
  cluster: string
  /** Full image reference. Promotion (scripts/promote.mjs) rewrites this one line. */
  image: string
  imagePullPolicy: 'Never' | 'IfNotPresent' | 'Always'
  replicas: number
  autoscaling?: { minReplicas: number; maxReplicas: number; cpuUtilizationPercent: number }
  podDisruptionBudget?: { minAvailable: number }
  resources: Resources
  /** The service's environment (README.md "Configuration"), merged over the base ConfigMap. OLLAMA_ENDPOINT and
   *  OLLAMA_MODEL are not here: the overlay derives them from `ollama` below. */
  config: {
    LOG_LEVEL: LogLevel
    AI_BACKEND: AiBackend
    OPENAI_MODEL?: string
    SESSION_TIMEOUT_MINUTES: number
    RATE_LIMIT_PER_MINUTE: number
    AI_TIMEOUT_SECONDS: number
    /** Proxy hops whose X-Forwarded-For the service trusts (the per-IP rate limit); unset = 0, none. */
    TRUST_PROXY?: number
  }
  storage: { storageClassName: string; accessMode: 'ReadWriteOnce' | 'ReadWriteMany'; size: string }
  exposure: {
    serviceType: 'NodePort' | 'ClusterIP'
    /** Pinned NodePort (dev only), so the printed URL stays the same across syncs. */
    nodePort?: number
    host: string
    /** TLS through cert-manager (FR-27); absent = plain HTTP ingress (dev). */
    tls?: { secretName: string; clusterIssuer: string }
  }
  /** In-cluster Ollama (FR-38), dev only. */
  ollama?: { image: string; model: string; storageSize: string; storageClassName: string; resources: Resources }
  /** Argo CD sync: automated (prune + selfHeal) or manual (sync by hand in the UI). */
  sync: 'automated' | 'manual'
  /** Where todo-app-secrets comes from: created by the bootstrap, or a SealedSecret in sealed-secrets/<env>/. */
  secret: 'bootstrap' | 'sealed'
  /** Prometheus scrape annotations only, or Prometheus Operator objects (ServiceMonitor, PrometheusRule). */
  monitoring: 'annotations' | 'prometheus-operator'
  /** Log retention (FR-43) for the optional log shipping component. */
  logRetentionDays: number
  /** Optional Fluent Bit log shipping (FR-43): off unless enabled here. */
  logShipping: { enabled: boolean; sink: 'loki' | 'elasticsearch'; url: string }
}

/** The git repository Argo CD syncs from. The bootstrap can point a local cluster elsewhere. */
export const repository = {
  url: 'https://github.com/evolution-of-todo/todo-gitops.git',
  targetRevision: 'main',
}

/** Argo CD's namespace and the AppProject every Application belongs to. */
export const argocd = {
  namespace: 'argocd',
  project: 'todo-app',
  /** AppProject of the cluster add-ons that come from other repositories (the Sealed Secrets chart). */
  platformProject: 'todo-platform',
  /** Retry of a failed sync, with exponential backoff. */
  retry: { limit: 5, backoff: { duration: '10s', factor: 2, maxDuration: '5m' } },
  /** Sealed Secrets controller, pinned; named so kubeseal finds sealed-secrets-controller in kube-system. */
  sealedSecrets: {
    chartRepo: 'https://bitnami-labs.github.io/sealed-secrets',
    chart: 'sealed-secrets',
    version: '2.18.5', // ships controller v0.36.6 (helm/sealed-secrets/Chart.yaml appVersion)
    namespace: 'kube-system',
    releaseName: 'sealed-secrets-controller',
  },
}

/** Cluster services the workloads talk to, the same in every environment. */
export const clusterServices = {
  /** Ingress controller (Minikube's ingress addon): its namespace may reach the pods (NetworkPolicy). */
  ingressClassName: 'nginx',
  ingressNamespace: 'ingress-nginx',
  /** Prometheus runs here; it may scrape the pods. */
  monitoringNamespace: 'monitoring',
  /** Where the optional log shipping component runs. */
  loggingNamespace: 'logging',
}

const inCluster = 'https://kubernetes.default.svc'

export const environments: Record<EnvName, Environment> = {
  dev: {
    name: 'dev',
    namespace: 'todo-app',
    cluster: inCluster,
    image: 'todo-app:3.0.0-dev',
    imagePullPolicy: 'Never',
    replicas: 1,
    resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: '200m', memory: '256Mi' } },
    config: {
      LOG_LEVEL: 'DEBUG',
      AI_BACKEND: 'ollama',
      SESSION_TIMEOUT_MINUTES: 30,
      RATE_LIMIT_PER_MINUTE: 100,
      AI_TIMEOUT_SECONDS: 60,
    },
    storage: { storageClassName: 'standard', accessMode: 'ReadWriteOnce', size: '1Gi' },
    exposure: { serviceType: 'NodePort', nodePort: 30080, host: 'todo-app.local' },
    ollama: {
      image: 'ollama/ollama:0.12.10',
      model: 'llama3.2',
      storageSize: '10Gi',
      storageClassName: 'standard',
      resources: { requests: { cpu: '500m', memory: '2Gi' }, limits: { cpu: '2', memory: '4Gi' } },
    },
    sync: 'automated',
    secret: 'bootstrap',
    monitoring: 'annotations',
    logRetentionDays: 7,
    logShipping: { enabled: false, sink: 'loki', url: 'http://loki.logging.svc:3100' },
  },
  staging: {
    name: 'staging',
    namespace: 'todo-app-staging',
    cluster: inCluster,
    image: 'ghcr.io/evolution-of-todo/todo-app:3.0.0',
    imagePullPolicy: 'IfNotPresent',
    replicas: 2,
    resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '512Mi' } },
    config: {
      LOG_LEVEL: 'INFO',
      AI_BACKEND: 'openai',
      OPENAI_MODEL: 'gpt-4o-mini',
      SESSION_TIMEOUT_MINUTES: 30,
      RATE_LIMIT_PER_MINUTE: 100,
      AI_TIMEOUT_SECONDS: 30,
      TRUST_PROXY: 1, // reached only through ingress-nginx
    },
    storage: { storageClassName: 'nfs', accessMode: 'ReadWriteMany', size: '5Gi' },
    exposure: {
      serviceType: 'ClusterIP',
      host: 'todo-staging.example.com',
      tls: { secretName: 'todo-app-staging-tls', clusterIssuer: 'letsencrypt-staging' },
    },
    sync: 'automated',
    secret: 'sealed',
    monitoring: 'prometheus-operator',
    logRetentionDays: 7,
    logShipping: { enabled: true, sink: 'loki', url: 'http://loki.logging.svc:3100' },
  },
  prod: {
    name: 'prod',
    namespace: 'todo-app-prod',
    cluster: inCluster,
    image: 'ghcr.io/evolution-of-todo/todo-app:3.0.0',
    imagePullPolicy: 'Always',
    replicas: 3,
    autoscaling: { minReplicas: 3, maxReplicas: 10, cpuUtilizationPercent: 80 },
    podDisruptionBudget: { minAvailable: 2 },
    resources: { requests: { cpu: '250m', memory: '256Mi' }, limits: { cpu: '1', memory: '1Gi' } },
    config: {
      LOG_LEVEL: 'WARNING',
      AI_BACKEND: 'openai',
      OPENAI_MODEL: 'gpt-4o-mini',
      SESSION_TIMEOUT_MINUTES: 30,
      RATE_LIMIT_PER_MINUTE: 100,
      AI_TIMEOUT_SECONDS: 30,
      TRUST_PROXY: 1, // reached only through ingress-nginx
    },
    storage: { storageClassName: 'nfs', accessMode: 'ReadWriteMany', size: '20Gi' },
    exposure: {
      serviceType: 'ClusterIP',
      host: 'todo.example.com',
      tls: { secretName: 'todo-app-prod-tls', clusterIssuer: 'letsencrypt-prod' },
    },
    sync: 'manual',
    secret: 'sealed',
    monitoring: 'prometheus-operator',
    logRetentionDays: 30,
    logShipping: { enabled: true, sink: 'elasticsearch', url: 'https://elasticsearch.logging.svc:9200' },
  },
}

/** Promotion order: an image reaches an environment only from the one before it. */
export const promotionOrder: EnvName[] = ['dev', 'staging', 'prod']
