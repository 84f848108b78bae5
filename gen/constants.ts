// Shared constants of the renderer: what every environment shares (names and the container contract from
// docs/contracts.md, probes, security settings). Per-environment values are NOT here: they live in environments.ts.
import { readFileSync } from 'node:fs'
import { DEFAULT_PORT, DECIMAL_SETTINGS, INTEGER_SETTINGS, SECRET_KEYS, TEXT_DEFAULTS } from '../src/contract.ts'

/** The app version comes from package.json, the one place it is set. */
export const appVersion: string = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version

export const names = {
  app: 'todo-app',
  deployment: 'todo-app-deployment',
  container: 'todo-app',
  service: 'todo-app-service',
  config: 'todo-app-config',
  secret: 'todo-app-secrets',
  pvc: 'todo-app-pvc',
  ingress: 'todo-app-ingress',
  serviceAccount: 'todo-app-sa',
  role: 'todo-app-role',
  roleBinding: 'todo-app-rolebinding',
  /** The base's placeholder image name; overlays replace it through kustomize `images:`. */
  image: 'todo-app',
  /** The identity the External Secrets Operator reads the store with (Vault Kubernetes auth, or IRSA). */
  secretStore: 'todo-app-secret-store',
  secretStoreServiceAccount: 'todo-app-secret-store',
  ollama: { app: 'ollama', deployment: 'ollama-deployment', service: 'ollama-service', pvc: 'ollama-pvc', serviceAccount: 'ollama-sa' },
} as const

/** The Secret's keys, as the service's contract names them. */
export const secretKeys = SECRET_KEYS

/** On every object this repository renders (kustomize adds it to base/ and log-shipping/ too). */
export const partOf = { 'app.kubernetes.io/part-of': 'todo-gitops' }

/** The pod's selector labels: fixed, never derived from construct paths (a selector is immutable). */
export const selectorLabels = { app: names.app }
export const podLabels = { app: names.app, tier: 'backend' }

export const port = DEFAULT_PORT
/** The name of the HTTP port on the container and the Service; the ServiceMonitor scrapes by this name. */
export const portName = 'http'
export const servicePort = 80
/** Where the service serves its Prometheus metrics (docs/contracts.md). */
export const metricsPath = '/metrics'
export const dataPath = '/data'

/** The base ConfigMap: the service's defaults (src/contract.ts); overlays merge their table values over it. */
export const baseConfig: Record<string, string> = {
  // The service's default store: SQLite on the data volume. Environments on PostgreSQL set STORAGE_BACKEND.
  STORAGE_BACKEND: TEXT_DEFAULTS.STORAGE_BACKEND,
  STORAGE_PATH: `${dataPath}/todo.db`,
  LOG_LEVEL: TEXT_DEFAULTS.LOG_LEVEL,
  AI_BACKEND: TEXT_DEFAULTS.AI_BACKEND,
  SESSION_TIMEOUT_MINUTES: String(INTEGER_SETTINGS.SESSION_TIMEOUT_MINUTES.default),
  RATE_LIMIT_PER_MINUTE: String(INTEGER_SETTINGS.RATE_LIMIT_PER_MINUTE.default),
  AI_TIMEOUT_SECONDS: String(DECIMAL_SETTINGS.AI_TIMEOUT_SECONDS.default),
}

/** Resources of the base Deployment (FR-22); every overlay replaces them with its table values. */
export const baseResources = { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '512Mi' } }

/** FR-45, with the startup probe guarding start-up so readiness and liveness need no initial delay. */
export const probes = {
  startup: { path: '/health', periodSeconds: 5, timeoutSeconds: 3, failureThreshold: 12 },
  readiness: { path: '/readyz', periodSeconds: 5, timeoutSeconds: 3, failureThreshold: 2 },
  liveness: { path: '/livez', periodSeconds: 10, timeoutSeconds: 3, failureThreshold: 3 },
}

/** Graceful shutdown: the preStop pause lets endpoints drop the pod before SIGTERM starts the drain. */
export const shutdown = {
  // Kubernetes 1.28 has no `sleep` lifecycle handler (added in 1.29), and a distroless image has no shell
  // or sleep binary: node pauses, since every image of the service has it.
  preStop: ['node', '-e', 'setTimeout(() => {}, 5000)'],
  terminationGracePeriodSeconds: 30,
}

/** Non-root UID/GID of the image (docs/contracts.md) and of Ollama in dev. */
export const uid = 1000

/**
 * Argo CD sync waves inside an environment: the Namespace, then secrets/config/RBAC/policies, then the
 * workloads. PVCs are in the workloads' wave (applied before the Deployment, Argo CD orders a wave by kind):
 * a claim on a WaitForFirstConsumer class stays Pending, so Progressing, until a pod uses it, and an
 * earlier wave would wait for it forever.
 */
export const waves = { namespace: '-2', prerequisites: '-1', workloads: '0' }
const syncOptionsKey = 'argocd.argoproj.io/sync-options'
/** On what must outlive its Application (the namespace, the data): never pruned, never deleted with it. */
export const keepOnDelete = { [syncOptionsKey]: 'Prune=false,Delete=false' }
export const syncWaveKey = 'argocd.argoproj.io/sync-wave'

/** Prometheus scrape annotations (FR-44) on every todo-app pod. */
export const scrapeAnnotations = {
  'prometheus.io/scrape': 'true',
  'prometheus.io/port': String(port),
  'prometheus.io/path': metricsPath,
}
