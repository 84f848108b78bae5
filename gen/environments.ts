// THE table of per-environment settings: every difference between dev, staging and prod lives here
// and nowhere else. gen/ renders it into overlays/<env> and argocd/; tests derive their expectations from it.
// Each environment's image is data in gen/images.yaml, which scripts/promote.mjs writes (one commit per promotion).
//
// To change an environment: edit this file, run `npm run synth`, commit, push. Argo CD does the rest.

import { readFileSync } from 'node:fs'
import { parse } from 'yaml'
import type { AiBackend, LogLevel } from '../src/contract.ts'
import type { BackupTarget } from './postgres.ts'

export type EnvName = 'dev' | 'staging' | 'prod'
export type ClusterName = 'minikube' | 'staging' | 'prod'

/** A Kubernetes cluster an environment runs on. Each cluster that manages itself gets one root
 *  (argocd/clusters/<name>/): the Argo CD installed in it deploys only the environments and add-ons listed
 *  for it. See docs/gitops.md, "Clusters". */
export interface Cluster {
  name: ClusterName
  /**
   * Which Argo CD deploys here. 'self': an Argo CD installed in this cluster (destination
   * https://kubernetes.default.svc); its root is argocd/clusters/<name>/. Another cluster's name: that
   * cluster's Argo CD deploys here too, through the cluster registered under this name
   * (`argocd cluster add <context> --name <name>`, destination `name: <name>`); its root then holds these
   * environments as well, and this cluster gets no root of its own.
   */
  managedBy: 'self' | ClusterName
  /**
   * Resource metrics (metrics.k8s.io), which an HPA needs: 'chart' = the pinned metrics-server chart as an
   * add-on Application of this cluster's root; 'provided' = the cluster has it already (Minikube's addon,
   * most managed Kubernetes services), and the bootstrap checks that the API answers.
   */
  metricsServer: 'chart' | 'provided'
  /** What the cluster's operator installs before the root can deploy an environment here (docs/deployment.md). */
  prerequisites: readonly ClusterPrerequisite[]
  /** The pods' address range. A NodePort is reached from node addresses, so the NodePort NetworkPolicy
   *  allows every source except this range: other pods of the cluster still cannot reach the app. */
  podCidr?: string
  /** The Kubernetes API server as NetworkPolicy sees it: its endpoint address and port after the Service's
   *  DNAT (`kubectl get endpoints kubernetes`). Needed where a database runs: the instance manager in every
   *  PostgreSQL pod reads and updates its Cluster through the API. */
  apiServer?: { cidr: string; port: number }
  /** A local Minikube cluster, created by scripts/bootstrap-minikube.mjs with this profile and size. */
  minikube?: { profile: string; cpus: number; memoryMiB: number; diskSize: string; kubernetesVersion: string }
}

/** What an environment may need from its cluster besides what the root installs. */
type ClusterPrerequisite =
  | { kind: 'ingress-nginx' }
  | { kind: 'cert-manager'; clusterIssuers: string[] }
  | { kind: 'prometheus-operator' }
  | { kind: 'storage-class'; name: string; volumeBindingMode: 'Immediate' | 'WaitForFirstConsumer' }
  /** CSI snapshots (the snapshot CRDs and controller, and this VolumeSnapshotClass): database backups by snapshot. */
  | { kind: 'volume-snapshot-class'; name: string }
  /** The external secret store an `external` environment reads, reachable from the cluster and set up for it
   *  (docs/secrets.md: the Vault role / the IAM role). */
  | { kind: 'secret-store'; provider: SecretStore['provider'] }

/**
 * Where an `external` environment's todo-app-secrets live. The External Secrets Operator reads them with the
 * namespace's own Kubernetes identity — no static credential anywhere:
 *  - vault: Vault's Kubernetes auth (a ServiceAccount token, checked by Vault against the cluster), a KV v2 secret;
 *  - aws-secrets-manager: IAM roles for service accounts (IRSA: the ServiceAccount carries the role's ARN), one
 *    Secrets Manager secret holding a JSON object.
 * The secret holds the properties openai-api-key, jwt-secret and jwt-secret-previous (docs/secrets.md).
 */
export type SecretStore =
  | { provider: 'vault'; server: string; kvMount: string; path: string; authMountPath: string; role: string }
  | { provider: 'aws-secrets-manager'; region: string; secretName: string; roleArn: string }

export interface Resources {
  requests: { cpu: string; memory: string }
  limits: { cpu: string; memory: string }
}

export interface Environment {
  name: EnvName
  /** Kubernetes namespace; one Argo CD Application owns it. */
  namespace: string
  /** The cluster it runs on (`clusters` below); its root deploys it, no other root does. */
  cluster: ClusterName
  /** Full image reference, from gen/images.yaml (which promotion, scripts/promote.mjs, writes). */
  image: string
  imagePullPolicy: 'Never' | 'IfNotPresent' | 'Always'
  replicas: number
  autoscaling?: { minReplicas: number; maxReplicas: number; cpuUtilizationPercent: number }
  podDisruptionBudget?: { minAvailable: number }
  resources: Resources
  /** The service's environment (README.md "Configuration"), merged over the base ConfigMap, which holds the
   *  service's defaults (src/contract.ts): a setting left out here runs with the default. OLLAMA_ENDPOINT and
   *  OLLAMA_MODEL are not here: the overlay derives them from `ollama` below. */
  config: {
    LOG_LEVEL: LogLevel
    AI_BACKEND: AiBackend
    OPENAI_MODEL?: string
    SESSION_TIMEOUT_MINUTES?: number
    RATE_LIMIT_PER_MINUTE?: number
    AI_TIMEOUT_SECONDS?: number
    /** Proxy hops whose X-Forwarded-For the service trusts (the per-IP rate limit); unset = 0, none. */
    TRUST_PROXY?: number
  }
  /** Where the service keeps its data (docs/database.md): SQLite on the pod's own volume (one replica), or a
   *  PostgreSQL database run by CloudNativePG (several replicas). */
  storage: Storage
  exposure: {
    serviceType: 'NodePort' | 'ClusterIP'
    /** Pinned NodePort (dev only), so the printed URL stays the same across syncs. */
    nodePort?: number
    host: string
    /** TLS through cert-manager (FR-27); absent = plain HTTP ingress (dev). */
    tls?: { secretName: string; clusterIssuer: string }
  }
  /** In-cluster Ollama (FR-38), dev only. */
  ollama?: {
    image: string
    /** Pulled once by the init container into the model PVC; `ollama show` first, so a restart needs no registry. */
    model: string
    storageSize: string
    storageClassName: string
    resources: Resources
    /** How long a first start may take (pulling the Ollama image and the model): the Deployment's
     *  progressDeadlineSeconds, and what the bootstrap waits for at least. */
    firstStartSeconds: number
  }
  /** Argo CD sync: automated (prune + selfHeal) or manual (sync by hand in the UI). */
  sync: 'automated' | 'manual'
  /** Where todo-app-secrets comes from: created by the bootstrap, a SealedSecret in sealed-secrets/<env>/, or
   *  an external store through the External Secrets Operator (`externalSecret` below). */
  secret: 'bootstrap' | 'sealed' | 'external'
  /** With secret 'external': the store, and how often the operator re-reads it (a rotation shows up within this). */
  externalSecret?: { store: SecretStore; refreshInterval: string }
  /** Prometheus scrape annotations only, or Prometheus Operator objects (ServiceMonitor, PrometheusRule). */
  monitoring: 'annotations' | 'prometheus-operator'
  /** Log retention (FR-43) for the optional log shipping component. */
  logRetentionDays: number
  /** Optional Fluent Bit log shipping (FR-43): off unless enabled here. */
  logShipping: { enabled: boolean; sink: 'loki' | 'elasticsearch'; url: string }
}

type Storage =
  | {
    backend: 'sqlite'
    /** The database file lives on this claim (`todo-app-pvc`); local RWO storage only: never on NFS. */
    storageClassName: string
    accessMode: 'ReadWriteOnce'
    size: string
  }
  | { backend: 'postgres'; postgres: PostgresSettings }

/** One environment's CloudNativePG Cluster (gen/postgres.ts). */
export interface PostgresSettings {
  /** The Cluster's name: Services <name>-rw/-ro/-r, Secret <name>-app. A restore renders a new name. */
  name: string
  instances: number
  /** Each instance's own volume (RWO, block storage; snapshots need a CSI class). */
  storage: { size: string; storageClass: string }
  resources: Resources
  /** required: never two instances on one node; preferred: spread when possible. */
  podAntiAffinity: 'required' | 'preferred'
  /** Standbys a commit waits for; 0 = asynchronous replication. */
  synchronousReplicas: number
  /** Where the daily backups go. */
  backup: BackupTarget
  /** Bootstrap this (new) Cluster from a backup instead of an empty database (docs/database.md, "Restore"). */
  restore?: { backupName: string; targetTime?: string }
}

/** The git repository Argo CD syncs from. The bootstrap can point a local cluster elsewhere. */
export const repository = {
  url: 'https://github.com/evolution-of-todo/todo-gitops.git',
  targetRevision: 'main',
}

/** Argo CD's namespace and the AppProject every Application belongs to. */
export const argocd = {
  namespace: 'argocd',
  /** The Argo CD every cluster root installs and upgrades itself (argocd/install/, a remote Kustomize resource). */
  version: 'v3.5.1',
  installManifest: 'https://raw.githubusercontent.com/argoproj/argo-cd/v3.5.1/manifests/install.yaml',
  /** Where Argo CD itself is described, and where each cluster's root is rendered (`<clustersDir>/<cluster>/`). */
  installDir: 'argocd/install',
  clustersDir: 'argocd/clusters',
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
  /** metrics-server chart, pinned, for clusters with `metricsServer: 'chart'`. */
  metricsServer: {
    chartRepo: 'https://kubernetes-sigs.github.io/metrics-server',
    chart: 'metrics-server',
    version: '3.13.1', // ships metrics-server v0.8.1
    namespace: 'kube-system',
    releaseName: 'metrics-server',
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

export const clusters: Record<ClusterName, Cluster> = {
  minikube: {
    name: 'minikube',
    managedBy: 'self',
    metricsServer: 'provided', // the bootstrap enables Minikube's metrics-server addon
    // The bootstrap enables the ingress addon; Minikube's default StorageClass is `standard` (hostpath).
    prerequisites: [{ kind: 'ingress-nginx' }, { kind: 'storage-class', name: 'standard', volumeBindingMode: 'Immediate' }],
    // Memory: see docs/deployment.md, "Minikube's size" (control plane + Argo CD + ingress + the app + Ollama).
    podCidr: '10.244.0.0/16', // Minikube's default (kindnet and --cni=calico alike)
    minikube: { profile: 'todo-app-dev', cpus: 2, memoryMiB: 6144, diskSize: '20g', kubernetesVersion: 'v1.28.0' },
  },
  staging: {
    name: 'staging',
    managedBy: 'self',
    metricsServer: 'provided',
    prerequisites: [
      { kind: 'ingress-nginx' },
      { kind: 'cert-manager', clusterIssuers: ['letsencrypt-staging'] },
      { kind: 'prometheus-operator' },
      { kind: 'storage-class', name: 'csi-block', volumeBindingMode: 'WaitForFirstConsumer' },
      { kind: 'volume-snapshot-class', name: 'csi-snapshots' },
    ],
    apiServer: { cidr: '10.20.0.10/32', port: 6443 }, // kubectl get endpoints kubernetes
  },
  prod: {
    name: 'prod',
    managedBy: 'self',
    metricsServer: 'chart', // prod's HPA needs it
    prerequisites: [
      { kind: 'ingress-nginx' },
      { kind: 'cert-manager', clusterIssuers: ['letsencrypt-prod'] },
      { kind: 'prometheus-operator' },
      { kind: 'storage-class', name: 'csi-block', volumeBindingMode: 'WaitForFirstConsumer' },
      { kind: 'volume-snapshot-class', name: 'csi-snapshots' },
      { kind: 'secret-store', provider: 'vault' },
    ],
    apiServer: { cidr: '10.30.0.10/32', port: 6443 }, // kubectl get endpoints kubernetes
  },
}

/** Promotion order: an image reaches an environment only from the one before it. Every environment is in it. */
export const promotionOrder: EnvName[] = ['dev', 'staging', 'prod']

/** The file of each environment's image: data that scripts/promote.mjs writes, never code. */
export const imagesFile = 'gen/images.yaml'

/** gen/images.yaml, checked: one image reference (a string) for each environment, nothing else. */
function loadImages(): Record<EnvName, string> {
  const images: unknown = parse(readFileSync(new URL('./images.yaml', import.meta.url), 'utf8'))
  const wanted = promotionOrder
  if (typeof images !== 'object' || images === null) throw new Error(`${imagesFile}: want a map of environment -> image`)
  const entries = Object.entries(images)
  const extra = entries.map(([name]) => name).filter((name) => !(wanted as string[]).includes(name))
  if (extra.length) throw new Error(`${imagesFile}: unknown environment ${extra.join(', ')} (known: ${wanted.join(', ')})`)
  for (const name of wanted) {
    const image: unknown = (images as Record<string, unknown>)[name]
    if (typeof image !== 'string' || image === '') throw new Error(`${imagesFile}: ${name} needs an image reference (a string)`)
  }
  return images as Record<EnvName, string>
}
const images = loadImages()

export const environments: Record<EnvName, Environment> = {
  dev: {
    name: 'dev',
    namespace: 'todo-app',
    cluster: 'minikube',
    image: images.dev,
    imagePullPolicy: 'Never',
    replicas: 1,
    resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: '200m', memory: '256Mi' } },
    config: {
      LOG_LEVEL: 'DEBUG',
      AI_BACKEND: 'ollama',
      AI_TIMEOUT_SECONDS: 60,
    },
    // One replica on Minikube: SQLite on its own volume (the old tasks.json there is imported on first start).
    storage: { backend: 'sqlite', storageClassName: 'standard', accessMode: 'ReadWriteOnce', size: '1Gi' },
    exposure: { serviceType: 'NodePort', nodePort: 30080, host: 'todo-app.local' },
    ollama: {
      image: 'ollama/ollama:0.12.10',
      // 1B parameters (~1.3 GB on disk, ~2 GiB loaded with its context): fits Minikube next to Argo CD.
      model: 'llama3.2:1b',
      storageSize: '10Gi',
      storageClassName: 'standard',
      resources: { requests: { cpu: '500m', memory: '2Gi' }, limits: { cpu: '2', memory: '3Gi' } },
      firstStartSeconds: 1800,
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
    cluster: 'staging',
    image: images.staging,
    imagePullPolicy: 'IfNotPresent',
    replicas: 2,
    resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '512Mi' } },
    config: {
      LOG_LEVEL: 'INFO',
      AI_BACKEND: 'openai',
      OPENAI_MODEL: 'gpt-4o-mini',
      TRUST_PROXY: 1, // reached only through ingress-nginx
    },
    storage: {
      backend: 'postgres',
      postgres: {
        name: 'todo-db',
        instances: 1,
        storage: { size: '5Gi', storageClass: 'csi-block' },
        resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '500m', memory: '512Mi' } },
        podAntiAffinity: 'preferred',
        synchronousReplicas: 0,
        backup: { method: 'volumeSnapshot', snapshotClass: 'csi-snapshots' },
      },
    },
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
    cluster: 'prod',
    image: images.prod,
    imagePullPolicy: 'Always',
    replicas: 3,
    autoscaling: { minReplicas: 3, maxReplicas: 10, cpuUtilizationPercent: 80 },
    podDisruptionBudget: { minAvailable: 2 },
    resources: { requests: { cpu: '250m', memory: '256Mi' }, limits: { cpu: '1', memory: '1Gi' } },
    config: {
      LOG_LEVEL: 'WARNING',
      AI_BACKEND: 'openai',
      OPENAI_MODEL: 'gpt-4o-mini',
      TRUST_PROXY: 1, // reached only through ingress-nginx
    },
    storage: {
      backend: 'postgres',
      postgres: {
        name: 'todo-db',
        instances: 3,
        storage: { size: '20Gi', storageClass: 'csi-block' },
        resources: { requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: '2', memory: '2Gi' } },
        podAntiAffinity: 'required',
        synchronousReplicas: 1,
        backup: { method: 'volumeSnapshot', snapshotClass: 'csi-snapshots' },
      },
    },
    exposure: {
      serviceType: 'ClusterIP',
      host: 'todo.example.com',
      tls: { secretName: 'todo-app-prod-tls', clusterIssuer: 'letsencrypt-prod' },
    },
    sync: 'manual',
    secret: 'external',
    // Vault rotates the values (every 30 days, docs/secrets.md); the operator picks a rotation up within the hour.
    externalSecret: {
      store: {
        provider: 'vault',
        server: 'https://vault.example.com:8200',
        kvMount: 'secret',
        path: 'todo-app/prod',
        authMountPath: 'kubernetes-prod',
        role: 'todo-app-prod',
      },
      refreshInterval: '1h',
    },
    monitoring: 'prometheus-operator',
    logRetentionDays: 30,
    logShipping: { enabled: true, sink: 'elasticsearch', url: 'https://elasticsearch.logging.svc:9200' },
  },
}
