// Validates custom resources against the operators' own CRDs (committed under test/schemas/crds/), the way the
// API server would on create:
// - the served version's openAPIV3Schema, with Ajv;
// - unknown fields are an error, not silently pruned: every object schema without
//   x-kubernetes-preserve-unknown-fields gets additionalProperties: false (a structural schema prunes unknown
//   fields, which would hide a typo in git as a setting that never takes effect);
// - x-kubernetes-int-or-string accepts an integer or a string;
// - x-kubernetes-validations (CEL) rules are evaluated with @marcbachmann/cel-js; transition rules (those that
//   use oldSelf) only apply to updates and are skipped.
// Kubernetes docs: "Specifying a structural schema", "Validation rules" (CustomResourceDefinition, apiextensions.k8s.io/v1).
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { Ajv } from 'ajv'
import type { ValidateFunction } from 'ajv'
import { evaluate } from '@marcbachmann/cel-js'
import { parse } from 'yaml'
import { root } from './helpers.ts'
import type { Parsed } from '../helpers/parsed.ts'

export const crdDir = join(root, 'test/schemas/crds')

type Schema = Record<string, Parsed>

interface Crd {
  group: string
  kind: string
  versions: { name: string; served: boolean; schema: Schema }[]
}

function loadCrds(): Map<string, Crd> {
  const crds = new Map<string, Crd>()
  for (const file of readdirSync(crdDir).filter((f) => f.endsWith('.yaml'))) {
    const doc = parse(readFileSync(join(crdDir, file), 'utf8'))
    if (doc?.kind !== 'CustomResourceDefinition') throw new Error(`${file} is not a CustomResourceDefinition`)
    const { group, names, versions } = doc.spec
    crds.set(`${group}/${names.kind}`, {
      group,
      kind: names.kind,
      versions: versions.map((v: Parsed) => ({ name: v.name, served: v.served, schema: v.schema.openAPIV3Schema })),
    })
  }
  return crds
}

/** ObjectMeta as we write it: the API server's own checks of name and the string maps, nothing unknown. */
const objectMeta: Schema = {
  type: 'object',
  additionalProperties: false,
  required: ['name'],
  properties: {
    name: { type: 'string', maxLength: 253, pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$' },
    namespace: { type: 'string', maxLength: 63, pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$' },
    labels: { type: 'object', additionalProperties: { type: 'string' } },
    annotations: { type: 'object', additionalProperties: { type: 'string' } },
  },
}

/** The schema as the API server applies it on create: closed objects, int-or-string, our ObjectMeta. */
export function strictSchema(schema: Schema, path: string[] = []): Schema {
  if (path.length === 1 && path[0] === 'metadata') return objectMeta
  const out: Schema = {}
  for (const [k, v] of Object.entries(schema)) {
    if (k === 'description') continue
    if (k === 'properties') out.properties = Object.fromEntries(Object.entries(v as Schema).map(([p, s]) => [p, strictSchema(s as Schema, [...path, p])]))
    else if (k === 'items' || (k === 'additionalProperties' && typeof v === 'object')) out[k] = strictSchema(v as Schema, [...path, '*'])
    else if (k === 'anyOf' || k === 'allOf' || k === 'oneOf') out[k] = (v as Schema[]).map((s) => strictSchema(s, path))
    else out[k] = v
  }
  if (out['x-kubernetes-int-or-string']) {
    delete out.type
    out.anyOf = [{ type: 'integer' }, { type: 'string' }, ...(out.anyOf ?? [])].filter((s, i, all) => all.findIndex((o) => o.type === s.type) === i)
  }
  const open = out['x-kubernetes-preserve-unknown-fields'] === true || out.additionalProperties !== undefined
  if (out.type === 'object' && out.properties && !open) out.additionalProperties = false
  return out
}

/** One CEL rule against one value; '' when it holds or cannot apply on create. */
function celViolation(rule: { rule: string; message?: string }, self: unknown): string {
  if (/\boldSelf\b/.test(rule.rule)) return ''
  let ok: unknown
  try {
    ok = evaluate(rule.rule, { self })
  } catch (err) {
    return `CEL rule ${JSON.stringify(rule.rule)} failed to evaluate: ${(err as Error).message}`
  }
  return ok === true ? '' : rule.message ?? `failed rule ${rule.rule}`
}

function newAjv(): Ajv {
  const ajv = new Ajv({ strict: true, allErrors: true, strictRequired: false, strictTypes: false })
  for (const keyword of ['x-kubernetes-int-or-string', 'x-kubernetes-list-map-keys', 'x-kubernetes-list-type', 'x-kubernetes-map-type', 'x-kubernetes-preserve-unknown-fields', 'x-kubernetes-embedded-resource', 'example']) {
    ajv.addKeyword({ keyword })
  }
  ajv.addKeyword({
    keyword: 'x-kubernetes-validations',
    schemaType: 'array',
    errors: true,
    validate: function check(rules: { rule: string; message?: string }[], data: unknown): boolean {
      const messages = rules.map((r) => celViolation(r, data)).filter(Boolean)
      ;(check as Parsed).errors = messages.map((message) => ({ keyword: 'x-kubernetes-validations', message, params: {} }))
      return messages.length === 0
    },
  })
  const int = (bits: number) => ({ type: 'number' as const, validate: (n: number) => Number.isInteger(n) && Math.abs(n) < 2 ** (bits - 1) })
  ajv.addFormat('int32', int(32))
  ajv.addFormat('int64', int(64))
  ajv.addFormat('double', { type: 'number', validate: () => true })
  ajv.addFormat('date-time', /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/)
  ajv.addFormat('byte', /^[A-Za-z0-9+/]*={0,2}$/)
  ajv.addFormat('duration', /^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$/)
  return ajv
}

const crds = loadCrds()
const ajv = newAjv()
const compiled = new Map<string, ValidateFunction>()

export function knowsKind(obj: { apiVersion: string; kind: string }): boolean {
  return crds.has(`${obj.apiVersion.split('/')[0]}/${obj.kind}`)
}

/** Errors of one custom resource against its CRD, as text ('' when valid). */
export function crdErrors(obj: Record<string, Parsed>): string {
  const [group, version] = String(obj.apiVersion).split('/')
  const crd = crds.get(`${group}/${obj.kind}`)
  if (!crd) return `no CRD for ${obj.apiVersion} ${obj.kind} in test/schemas/crds`
  const served = crd.versions.find((v) => v.name === version)
  if (!served || !served.served) return `${obj.kind} ${obj.apiVersion} is not a served version of the CRD`
  const key = `${obj.apiVersion}/${obj.kind}`
  let validate = compiled.get(key)
  if (!validate) {
    const schema = strictSchema(served.schema)
    // apiVersion and kind are checked above; the CRD schema lists them as plain strings.
    validate = ajv.compile({ ...schema, required: [...new Set([...(schema.required ?? []), 'metadata', 'spec'])] })
    compiled.set(key, validate)
  }
  if (validate(obj)) return ''
  return (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}${e.params?.additionalProperty ? `: ${e.params.additionalProperty}` : ''}`).join('; ')
}
