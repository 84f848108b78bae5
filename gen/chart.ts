// cdk8s plumbing: build constructs in a throw-away chart and return the plain objects.
import { ApiObject, App, Chart, JsonPatch } from 'cdk8s'
import type { Construct } from 'constructs'

/** A Kubernetes object as plain data. */
export type KubeObject = { apiVersion: string; kind: string; [field: string]: any }

/** Objects of one generated file, in construct order. */
export function objectsOf(build: (chart: Chart) => void): KubeObject[] {
  const app = new App()
  const chart = new Chart(app, 'todo', { disableResourceNameHashes: true })
  build(chart)
  return chart.toJson()
}

/** A raw Kubernetes object, for kinds cdk8s-plus-28 has no construct for (or only an opinionated one). */
export function rawObject(scope: Construct, id: string, obj: { apiVersion: string; kind: string; metadata: Record<string, unknown>; [k: string]: unknown }): ApiObject {
  return new ApiObject(scope, id, obj as any)
}

/**
 * cdk8s-plus-28 labels every pod template with its construct path (`cdk8s.io/metadata.addr`); our selectors
 * are fixed labels instead, so the path label must not reach the cluster.
 */
export function dropConstructPathLabel(construct: Construct, templatePath = '/spec/template/metadata/labels'): void {
  ApiObject.of(construct).addJsonPatch(JsonPatch.remove(`${templatePath}/cdk8s.io~1metadata.addr`))
}
