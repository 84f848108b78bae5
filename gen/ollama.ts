// The in-cluster Ollama of an environment that has one (dev, FR-38): model PVC, Deployment with a
// model-pull init container, Service. Non-root like everything else: the models live on the PVC
// (OLLAMA_MODELS), HOME and scratch space on an emptyDir, so the root filesystem stays read-only.
import { Size } from 'cdk8s'
import * as kplus from 'cdk8s-plus-28'
import { Construct } from 'constructs'
import type { Environment } from './environments.ts'
import { keepOnDelete, names, syncWaveKey, waves } from './constants.ts'
import { objectsOf } from './chart.ts'
import type { KubeObject } from './chart.ts'
import { ClusterIpService, HardenedDeployment, VerbatimClaim, containerSecurity, httpProbe } from './workload.ts'

export const ollamaPort = 11434
const ollamaLabels = { app: names.ollama.app, tier: 'ai' }
const modelsPath = '/models'

// `ollama pull` is a client of a running server: start one on localhost, pull, stop it. `ollama show` first:
// a model already on the PVC is not pulled again, so a restart needs neither the registry nor the network.
const pullScript = [
  'ollama serve & server=$!',
  'until ollama list >/dev/null 2>&1; do sleep 1; done',
  'if ollama show "$OLLAMA_MODEL" >/dev/null 2>&1; then',
  '  echo "model $OLLAMA_MODEL is on the volume: not pulling"; status=0',
  'else',
  '  ollama pull "$OLLAMA_MODEL"; status=$?',
  'fi',
  'kill "$server"',
  'exit "$status"',
].join('\n')

/** An environment's in-cluster Ollama, as the table describes it (environments.ts: `ollama`). */
type OllamaProps = Readonly<NonNullable<Environment['ollama']>>

/** Ollama's ServiceAccount, model PVC, Deployment (model-pull init container first) and Service. */
class Ollama extends Construct {
  constructor(scope: Construct, id: string, o: OllamaProps) {
    super(scope, id)
    const sa = new kplus.ServiceAccount(this, 'sa', {
      metadata: { name: names.ollama.serviceAccount, labels: ollamaLabels, annotations: { [syncWaveKey]: waves.prerequisites } },
      automountToken: false,
    })
    const pvc = new VerbatimClaim(this, 'pvc', {
      name: names.ollama.pvc,
      labels: ollamaLabels,
      // The pulled model (gigabytes) outlives the Application. Same wave as the Deployment (constants.ts).
      annotations: { [syncWaveKey]: waves.workloads, ...keepOnDelete },
      accessMode: 'ReadWriteOnce',
      size: o.storageSize,
      storageClassName: o.storageClassName,
    })
    const models = kplus.Volume.fromPersistentVolumeClaim(this, 'models', pvc, { name: 'models' })
    const tmp = kplus.Volume.fromEmptyDir(this, 'tmp', 'tmp', { sizeLimit: Size.mebibytes(512) })
    const common = {
      image: o.image,
      imagePullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT,
      volumeMounts: [{ path: modelsPath, volume: models }, { path: '/tmp', volume: tmp }],
      securityContext: containerSecurity,
    }
    const envVars = (host: string) => ({
      OLLAMA_MODELS: kplus.EnvValue.fromValue(modelsPath),
      OLLAMA_HOST: kplus.EnvValue.fromValue(host),
      OLLAMA_MODEL: kplus.EnvValue.fromValue(o.model),
      HOME: kplus.EnvValue.fromValue('/tmp'),
    })
    const probe = (failureThreshold: number, periodSeconds: number) =>
      httpProbe({ path: '/', periodSeconds, timeoutSeconds: 3, failureThreshold }, ollamaPort)
    new HardenedDeployment(this, 'deployment', {
      name: names.ollama.deployment,
      labels: ollamaLabels,
      selector: { app: names.ollama.app },
      podLabels: ollamaLabels,
      annotations: { [syncWaveKey]: waves.workloads },
      replicas: 1,
      // A first start pulls the Ollama image and the model: the rollout may take that long.
      progressDeadlineSeconds: o.firstStartSeconds,
      // One pod on a ReadWriteOnce volume, and a model too big to hold twice in memory: replace, don't surge.
      strategy: kplus.DeploymentStrategy.recreate(),
      serviceAccount: sa,
      terminationGracePeriodSeconds: 30,
      volumes: [models, tmp],
      resources: { 'model-puller': o.resources, ollama: o.resources },
      initContainers: [{
        ...common,
        name: 'model-puller',
        command: ['/bin/sh', '-c', pullScript],
        envVariables: envVars(`127.0.0.1:${ollamaPort}`),
      }],
      containers: [{
        ...common,
        name: 'ollama',
        command: ['ollama', 'serve'],
        ports: [{ number: ollamaPort, name: 'http', protocol: kplus.Protocol.TCP }],
        envVariables: envVars(`0.0.0.0:${ollamaPort}`),
        startup: probe(24, 5),
        readiness: probe(3, 10),
        liveness: probe(3, 20),
      }],
    })
    new ClusterIpService(this, 'service', {
      name: names.ollama.service,
      labels: ollamaLabels,
      selector: { app: names.ollama.app },
      port: ollamaPort,
      targetPort: ollamaPort,
    })
  }
}

export function ollamaObjects(env: Environment): KubeObject[] {
  const o = env.ollama
  if (!o) return []
  return objectsOf((chart) => {
    new Ollama(chart, 'ollama', o)
  })
}
