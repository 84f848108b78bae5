// The CRD validator itself (crd-schema.ts): the structural-schema rules it applies, on small schemas and on
// the committed CRDs.
import t from 'tap'
import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { crdDir, crdErrors, knowsKind, strictSchema } from './crd-schema.ts'

t.test('unknown fields are closed off unless the schema preserves them', async (t) => {
  const s = strictSchema({ type: 'object', properties: { a: { type: 'object', properties: { b: { type: 'string' } } }, m: { type: 'object', additionalProperties: { type: 'string' } }, free: { type: 'object', properties: { x: { type: 'string' } }, 'x-kubernetes-preserve-unknown-fields': true } } })
  t.equal(s.additionalProperties, false, 'the top object')
  t.equal(s.properties.a.additionalProperties, false, 'a nested object')
  t.same(s.properties.m.additionalProperties, { type: 'string' }, 'a map keeps its value schema')
  t.equal(s.properties.free.additionalProperties, undefined, 'x-kubernetes-preserve-unknown-fields stays open')
  const ios = strictSchema({ type: 'object', properties: { p: { 'x-kubernetes-int-or-string': true, anyOf: [{ type: 'integer' }, { type: 'string' }] } } })
  t.same(ios.properties.p.anyOf, [{ type: 'integer' }, { type: 'string' }], 'int-or-string: an integer or a string, once each')
  t.notOk(ios.properties.p.type, 'and no single type')
})

t.test('on the committed CRDs: int-or-string, CEL rules, transition rules, metadata, versions', async (t) => {
  const base = { apiVersion: 'postgresql.cnpg.io/v1', kind: 'Cluster', metadata: { name: 'db' } }
  const cluster = (spec: Record<string, unknown>) => crdErrors({ ...base, spec: { instances: 1, ...spec } })
  t.equal(cluster({ resources: { limits: { cpu: 2, memory: '1Gi' } } }), '', 'a quantity as a number or a string (int-or-string)')
  t.match(cluster({ resources: { limits: { cpu: true } } }), /must be integer|must be string/, 'but not a boolean')
  t.match(cluster({ imageName: 'x', imageCatalogRef: { apiGroup: 'postgresql.cnpg.io', kind: 'ImageCatalog', name: 'c', major: 18 } }), /mutually exclusive/, 'a CEL rule that fails')
  t.equal(cluster({ imageCatalogRef: { apiGroup: 'postgresql.cnpg.io', kind: 'ImageCatalog', name: 'c', major: 18 } }), '', 'the same rule holding')
  t.equal(crdErrors({ apiVersion: 'postgresql.cnpg.io/v1', kind: 'ScheduledBackup', metadata: { name: 'b' }, spec: { cluster: { name: 'db' }, schedule: '0 0 3 * * *' } }), '',
    'a transition rule (self == oldSelf) does not apply on create')
  t.match(crdErrors({ ...base, metadata: { name: 'DB_1' }, spec: { instances: 1 } }), /metadata\/name must match/, 'an invalid name')
  t.match(crdErrors({ ...base, metadata: { name: 'db', labels: { a: 1 } }, spec: { instances: 1 } }), /labels\/a must be string/, 'a label that is not a string')
  t.match(crdErrors({ ...base, apiVersion: 'postgresql.cnpg.io/v2' }), /not a served version/)
  t.match(crdErrors({ apiVersion: 'external-secrets.io/v1beta1', kind: 'ExternalSecret', metadata: { name: 'x' }, spec: {} }), /not a served version/, 'ESO v1beta1 is no longer served in v2.9.0')
  t.notOk(knowsKind({ apiVersion: 'apps/v1', kind: 'Deployment' }), 'core kinds go to kubernetes-models')
})

t.test('each committed CRD says where it came from and is a CustomResourceDefinition', async (t) => {
  const files = readdirSync(crdDir).filter((f) => f.endsWith('.yaml'))
  t.ok(files.length >= 6, `${files.length} CRDs`)
  for (const f of files) {
    const [first, ...rest] = readFileSync(join(crdDir, f), 'utf8').split('\n')
    t.match(first, /^# CRD of .* v\d+\.\d+\.\d+, unchanged(?: but for [^:]+)?: github\.com\/\S+ tag v\d+\.\d+\.\d+, \S+\.yaml$/, `${f}: a header naming the release and file`)
    t.ok(first.endsWith(f), `${f}: the header names this file`)
    t.match(rest.join('\n'), /kind: CustomResourceDefinition/)
  }
})
