// PromQL read with the Prometheus project's own grammar (@prometheus-io/lezer-promql, the parser behind
// the Prometheus UI's editor), in-process, so syntax checks need no promtool. promtool (when installed)
// still checks rules semantically and runs the alert unit tests.
import { parser } from '@prometheus-io/lezer-promql'

export interface ParsedPromQL {
  /** Character offsets where the grammar found a syntax error; empty for a valid expression. */
  errors: number[]
  /** Metric names selected by the expression (each vector selector's name), sorted, once each. */
  metricNames: string[]
}

export function parsePromQL(expr: string): ParsedPromQL {
  const errors: number[] = []
  const names = new Set<string>()
  parser.parse(expr).iterate({
    enter: (node) => {
      if (node.type.isError) errors.push(node.from)
      if (node.name === 'Identifier' && node.node.parent?.name === 'VectorSelector') names.add(expr.slice(node.from, node.to))
    },
  })
  return { errors, metricNames: [...names].sort() }
}

export function metricNamesIn(expr: string): string[] {
  return parsePromQL(expr).metricNames
}

/** Grafana's interval variables are not PromQL: give them a concrete range before parsing. */
export function asPromQL(grafanaExpr: string): string {
  return grafanaExpr.replaceAll('$__rate_interval', '5m').replaceAll('$__interval', '1m')
}
