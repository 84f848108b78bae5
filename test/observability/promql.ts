// Metric names referenced by a PromQL expression, for checking that rules and dashboards only query
// metrics that exist. Enough PromQL for our own queries: strings, label matchers, ranges and grouping
// clauses are removed; what is left that is not a function call or an operator keyword is a metric name.
const operatorWords = new Set(['and', 'or', 'unless', 'bool', 'offset', 'by', 'without', 'on', 'ignoring', 'group_left', 'group_right'])

export function metricNamesIn(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""') // string literals (may hold anything)
    .replace(/\{[^}]*\}/g, ' ') // label matchers
    .replace(/\[[^\]]*\]/g, ' ') // range and subquery durations
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ') // label lists
    .replace(/\b\d[\w.]*/g, ' ') // numbers and durations (0.99, 1e3, 5m)
  const names = new Set<string>()
  for (const match of stripped.matchAll(/[A-Za-z_:][A-Za-z0-9_:]*(?=\s*(\(?))/g)) {
    const word = match[0]
    if (match[1] === '(' || operatorWords.has(word)) continue // a function/aggregation call or operator
    if (/^(inf|nan)$/i.test(word)) continue // number literals spelled as words
    names.add(word)
  }
  return [...names].sort()
}

/** Grafana's interval variables are not PromQL: give them a concrete range for promtool. */
export function asPromQL(grafanaExpr: string): string {
  return grafanaExpr.replaceAll('$__rate_interval', '5m').replaceAll('$__interval', '1m')
}
