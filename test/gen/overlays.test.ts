// Every overlay builds with `kubectl kustomize`, and what it builds carries that environment's values from
// the table in gen/environments.ts (the expectations are read from the table, not kept here).
import t from 'tap'
import { environments, promotionOrder } from '../../gen/environments.ts'
import { find, kustomize, kustomizeAll, one, root } from './helpers.ts'
import { kustomizeImage } from '../../gen/image.ts'
import { isClusterScoped } from '../../gen/scope.ts'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'yaml'
import type { Parsed } from '../helpers/parsed.ts'

await kustomizeAll(promotionOrder.map((name) => `overlays/${name}`))

for (const name of promotionOrder) {
  const env = environments[name]
  t.test(`overlays/${name}`, async (t) => {
    const objects = await kustomize(`overlays/${name}`)
    t.ok(objects.length > 0, 'builds')

    const ns = one(objects, 'Namespace')
    t.equal(ns.metadata.name, env.namespace, 'renders its namespace')
    for (const o of objects) if (!isClusterScoped(o)) t.equal(o.metadata.namespace, env.namespace, `${o.kind}/${o.metadata.name} is in ${env.namespace}`)

    const deployment = one(objects, 'Deployment', 'todo-app-deployment')
    t.equal(deployment.spec.replicas, env.replicas, 'replicas')
    const container = deployment.spec.template.spec.containers.find((c: Parsed) => c.name === 'todo-app')
    t.same(container.resources, env.resources, 'requests and limits')
    t.equal(container.imagePullPolicy, env.imagePullPolicy, 'image pull policy')
    t.equal(container.image, env.image, 'image')
    const openaiKey = container.env.find((e: Parsed) => e.name === 'OPENAI_API_KEY')
    t.equal(openaiKey.valueFrom.secretKeyRef.optional, env.config.AI_BACKEND !== 'openai', 'the OpenAI key is required only where the backend is openai')

    const configs = find(objects, 'ConfigMap').filter((c) => c.metadata.name.startsWith('todo-app-config'))
    t.equal(configs.length, 1, 'one todo-app ConfigMap')
    const config = configs[0]
    t.match(config.metadata.name, /^todo-app-config-[a-z0-9]{10}$/, 'config comes from the generator, with its hash suffix')
    for (const [k, v] of Object.entries(env.config)) if (v !== undefined) t.equal(config.data[k], String(v), `config ${k}`)
    t.equal(config.data.TRUST_PROXY, env.config.TRUST_PROXY === undefined ? undefined : String(env.config.TRUST_PROXY), 'TRUST_PROXY only where the table sets it')
    if (env.ollama) {
      // The endpoint is derived, not typed twice: it must name the Ollama Service this overlay renders.
      const ollamaService = one(objects, 'Service', 'ollama-service')
      t.equal(config.data.OLLAMA_ENDPOINT, `http://${ollamaService.metadata.name}:${ollamaService.spec.ports[0].port}`, 'OLLAMA_ENDPOINT is the rendered Ollama Service')
      t.equal(config.data.OLLAMA_MODEL, env.ollama.model, 'OLLAMA_MODEL is the model the init container pulls')
    } else {
      t.notOk(config.data.OLLAMA_ENDPOINT, 'no Ollama, no OLLAMA_ENDPOINT')
      t.notOk(config.data.OLLAMA_MODEL, 'no Ollama, no OLLAMA_MODEL')
    }
    t.same(container.envFrom, [{ configMapRef: { name: config.metadata.name } }], 'the pods read the hashed ConfigMap')

    const service = one(objects, 'Service', 'todo-app-service')
    t.equal(service.spec.type, env.exposure.serviceType, 'service type')
    t.equal(service.spec.ports[0].nodePort, env.exposure.nodePort, 'node port')
    // Sessions live in the shared store, so any pod serves any request: no stickiness to keep in sync.
    t.equal(service.spec.sessionAffinity ?? 'None', 'None', 'no session affinity')

    const ingress = one(objects, 'Ingress', 'todo-app-ingress')
    t.equal(ingress.spec.rules[0].host, env.exposure.host, 'ingress host')
    if (env.exposure.tls) {
      t.same(ingress.spec.tls, [{ hosts: [env.exposure.host], secretName: env.exposure.tls.secretName }], 'TLS')
      t.equal(ingress.metadata.annotations['cert-manager.io/cluster-issuer'], env.exposure.tls.clusterIssuer, 'cert-manager issuer')
    } else {
      t.notOk(ingress.spec.tls, 'no TLS')
      t.notOk(ingress.metadata.annotations?.['cert-manager.io/cluster-issuer'], 'no cert-manager annotation')
    }

    const storage = env.storage
    const env_ = (name: string) => container.env.find((e: Parsed) => e.name === name)
    t.equal(config.data.STORAGE_BACKEND, storage.backend, 'STORAGE_BACKEND from the table')
    if (storage.backend === 'sqlite') {
      const pvc = one(objects, 'PersistentVolumeClaim', 'todo-app-pvc')
      t.equal(pvc.spec.storageClassName, storage.storageClassName, 'storage class')
      t.same(pvc.spec.accessModes, [storage.accessMode], 'access mode')
      t.equal(pvc.spec.resources.requests.storage, storage.size, 'storage size')
      const volume = deployment.spec.template.spec.volumes.find((v: Parsed) => v.persistentVolumeClaim?.claimName === 'todo-app-pvc')
      t.ok(volume && container.volumeMounts.some((m: Parsed) => m.name === volume.name && m.mountPath === '/data'), 'the database file\'s volume at /data')
      t.equal(config.data.STORAGE_PATH, '/data/todo.db', 'SQLite on the volume')
      t.notOk(env_('DATABASE_URL'), 'no DATABASE_URL')
      t.equal(find(objects, 'Cluster').length, 0, 'no database Cluster')
    } else {
      t.equal(find(objects, 'PersistentVolumeClaim', 'todo-app-pvc').length, 0, 'no shared volume: PostgreSQL replaces the RWX claim')
      t.notOk(deployment.spec.template.spec.volumes.some((v: Parsed) => v.persistentVolumeClaim), 'the pods mount no claim')
      const cluster = one(objects, 'Cluster', storage.postgres.name)
      t.equal(cluster.spec.instances, storage.postgres.instances, 'instances')
      t.same(cluster.spec.storage, storage.postgres.storage, 'database storage')
      t.same(cluster.spec.resources, storage.postgres.resources, 'database resources')
      t.equal(cluster.spec.affinity.podAntiAffinityType, storage.postgres.podAntiAffinity, 'anti-affinity')
      t.equal(one(objects, 'ScheduledBackup').spec.cluster.name, storage.postgres.name, 'a daily backup of it')
      t.same(env_('DATABASE_URL').valueFrom, { secretKeyRef: { name: `${storage.postgres.name}-app`, key: 'uri' } }, 'DATABASE_URL from the operator\'s app Secret')
    }
    t.same(env_('JWT_SECRET_PREVIOUS').valueFrom.secretKeyRef, { name: 'todo-app-secrets', key: 'jwt-secret-previous', optional: true }, 'the previous JWT key, optional')
    // Reloader where the Secret can change under running pods; dev's bootstrap restarts the pods itself.
    t.equal(deployment.metadata.annotations?.['secret.reloader.stakater.com/reload'], env.secret === 'bootstrap' ? undefined : 'todo-app-secrets', 'a Secret change rolls the pods')
    const external = find(objects, 'ExternalSecret')
    if (env.secret === 'external') {
      t.equal(external.length, 1, 'todo-app-secrets from the external store')
      t.equal(external[0].metadata.name, 'todo-app-secrets')
      t.equal(find(objects, 'SealedSecret').length, 0, 'no SealedSecret')
    } else t.equal(external.length, 0, 'no ExternalSecret')

    const hpa = find(objects, 'HorizontalPodAutoscaler')
    if (env.autoscaling) {
      t.equal(hpa.length, 1, 'one HPA')
      t.equal(hpa[0].spec.minReplicas, env.autoscaling.minReplicas, 'HPA min')
      t.equal(hpa[0].spec.maxReplicas, env.autoscaling.maxReplicas, 'HPA max')
      t.equal(hpa[0].spec.metrics[0].resource.target.averageUtilization, env.autoscaling.cpuUtilizationPercent, 'HPA CPU target')
      t.equal(hpa[0].spec.scaleTargetRef.name, deployment.metadata.name, 'HPA scales the deployment')
    } else t.equal(hpa.length, 0, 'no HPA')
    const pdb = find(objects, 'PodDisruptionBudget')
    if (env.podDisruptionBudget) t.equal(pdb[0]?.spec.minAvailable, env.podDisruptionBudget.minAvailable, 'PDB minAvailable')
    else t.equal(pdb.length, 0, 'no PDB')

    const ollama = find(objects, 'Deployment', 'ollama-deployment')
    if (env.ollama) {
      t.equal(ollama.length, 1, 'Ollama runs here')
      const pod = ollama[0].spec.template.spec
      const puller = pod.initContainers.find((c: Parsed) => c.name === 'model-puller')
      t.ok(puller, 'with a model-pull init container')
      t.equal(puller.env.find((e: Parsed) => e.name === 'OLLAMA_MODEL').value, env.ollama.model, 'pulling the table\'s model')
      t.equal(pod.containers[0].image, env.ollama.image, 'Ollama image')
      t.same(pod.containers[0].resources, env.ollama.resources, 'Ollama resources')
      const models = pod.containers[0].env.find((e: Parsed) => e.name === 'OLLAMA_MODELS').value
      t.ok(pod.containers[0].volumeMounts.some((m: Parsed) => m.mountPath === models && m.name === 'models'), 'OLLAMA_MODELS is on the PVC')
      const modelPvc = one(objects, 'PersistentVolumeClaim', 'ollama-pvc')
      t.equal(modelPvc.spec.resources.requests.storage, env.ollama.storageSize, 'model PVC size')
      t.equal(modelPvc.spec.storageClassName, env.ollama.storageClassName, 'model PVC class')
      t.equal(find(objects, 'Service', 'ollama-service').length, 1, 'Ollama service')
    } else {
      t.equal(find(objects, 'Deployment').length, 1, 'no Ollama: the only Deployment is the service')
      t.equal(find(objects, 'PersistentVolumeClaim', 'ollama-pvc').length, 0, 'no model PVC')
    }

    t.equal(find(objects, 'ServiceMonitor').length > 0, env.monitoring === 'prometheus-operator', 'ServiceMonitor only with the Prometheus Operator')
  })

  t.test(`overlays/${name}/kustomization.yaml holds only deltas, images as kustomize writes them`, async (t) => {
    const k = parse(readFileSync(join(root, `overlays/${name}/kustomization.yaml`), 'utf8'))
    t.same(k.images, [kustomizeImage('todo-app', env.image)], 'images: entry for the base placeholder')
    t.same(k.replicas, [{ name: 'todo-app-deployment', count: env.replicas }], 'replicas')
    t.equal(k.resources[0], '../../base', 'builds on base/')
    t.equal(k.configMapGenerator[0].behavior, 'merge', 'config merges over the base')
  })
}
