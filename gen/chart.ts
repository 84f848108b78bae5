// cdk8s plumbing: build constructs in a throw-away chart and return the plain objects.
import { ApiObject, App, Chart, JsonPatch } from 'cdk8s'
import type { Construct } from 'constructs'

/** A Kubernetes object as plain data (as cdk8s renders it). */
export interface KubeObject {
  apiVersion: string
  kind: string
  metadata?: { name?: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> }
  [field: string]: unknown
}

/** Objects of one generated file, in construct order. */
export function objectsOf(build: (chart: Chart) => void): KubeObject[] {
  const app = new App()
  const chart = new Chart(app, 'todo', { disableResourceNameHashes: true })
  build(chart)
  return chart.toJson()
}

/**
 * cdk8s-plus-28 labels every pod template with its construct path (`cdk8s.io/metadata.addr`); our selectors
 * are fixed labels instead, so the path label must not reach the cluster.
 */
export function dropConstructPathLabel(construct: Construct, templatePath = '/spec/template/metadata/labels'): void {
  ApiObject.of(construct).addJsonPatch(JsonPatch.remove(`${templatePath}/cdk8s.io~1metadata.addr`))
}
