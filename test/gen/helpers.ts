// Shared by the gen tests: the repository root, kustomize builds, YAML parsing, schema validation.
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseAllDocuments } from 'yaml'
import type { Parsed } from '../helpers/parsed.ts'

export const root = fileURLToPath(new URL('../..', import.meta.url))

export type K8sObject = Record<string, Parsed> & { apiVersion: string; kind: string; metadata: Record<string, Parsed> }

export function parseYaml(text: string): K8sObject[] {
  return parseAllDocuments(text)
    .map((d) => {
      if (d.errors.length > 0) throw new Error(d.errors.map((e) => e.message).join('; '))
      return d.toJS()
    })
    .filter((o) => o !== null && o !== undefined)
}

const run = promisify(execFile)
const built = new Map<string, Promise<K8sObject[]>>()

/** `kubectl kustomize <dir>` (the default load restrictor, like Argo CD), parsed; cached per directory. */
export function kustomize(dir: string): Promise<K8sObject[]> {
  const abs = dir.startsWith('/') ? dir : join(root, dir)
  let objects = built.get(abs)
  if (!objects) {
    objects = run('kubectl', ['kustomize', abs], { encoding: 'utf8', maxBuffer: 64 << 20 }).then(({ stdout }) => parseYaml(stdout))
    built.set(abs, objects)
  }
  return objects
}

/** Builds several directories in parallel. */
export async function kustomizeAll(dirs: readonly string[]): Promise<Map<string, K8sObject[]>> {
  const results = await Promise.all(dirs.map((d) => kustomize(d)))
  return new Map(dirs.map((d, i) => [d, results[i]]))
}

export function find(objects: K8sObject[], kind: string, name?: string): K8sObject[] {
  return objects.filter((o) => o.kind === kind && (name === undefined || o.metadata?.name === name))
}

export function one(objects: K8sObject[], kind: string, name?: string): K8sObject {
  const found = find(objects, kind, name)
  if (found.length !== 1) throw new Error(`expected one ${kind} ${name ?? ''}, found ${found.length}`)
  return found[0]
}

/** A temp directory removed when the test ends. */
export function tempDir(t: { teardown: (fn: () => void) => void }, prefix = 'todo-gen-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

/** Pod templates of the workload kinds, with where they came from. */
export function podTemplates(objects: K8sObject[]): { owner: K8sObject; template: Record<string, Parsed> }[] {
  return objects
    .filter((o) => ['Deployment', 'DaemonSet', 'StatefulSet', 'Job', 'ReplicaSet'].includes(o.kind))
    .map((o) => ({ owner: o, template: o.spec.template }))
}

/** Does a label selector ({matchLabels, matchExpressions}) match these labels? */
export function selects(selector: Record<string, Parsed> | undefined, labels: Record<string, string> = {}): boolean {
  if (!selector) return false
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (labels[k] !== v) return false
  for (const e of selector.matchExpressions ?? []) {
    const has = e.key in labels
    if (e.operator === 'In' && !(has && e.values.includes(labels[e.key]))) return false
    if (e.operator === 'NotIn' && has && e.values.includes(labels[e.key])) return false
    if (e.operator === 'Exists' && !has) return false
    if (e.operator === 'DoesNotExist' && has) return false
  }
  return true
}
