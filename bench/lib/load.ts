// The load generator, run as its own process so it never shares an event loop with a server.
// Input: one JSON argument (LoadSpec). Output: one JSON line (LoadResult) on stdout.

import autocannon from 'autocannon'

export interface LoadSpec {
  url: string
  path: string
  method: 'GET' | 'POST'
  connections: number
  seconds: number
  /** JSON body sent with every request. */
  body?: unknown
  /** One bearer token per connection, assigned round-robin (empty: no Authorization header). */
  tokens: string[]
  /** With `{session}` in `path`: one session id per connection, matching `tokens`. */
  sessions?: string[]
}

export interface LoadResult {
  requestsPerSecond: number
  p50: number
  p99: number
  errors: number
  non2xx: number
  timeouts: number
  total: number
}

const spec = JSON.parse(process.argv[2]) as LoadSpec
let nextClient = 0

const result = await autocannon({
  url: spec.url,
  connections: spec.connections,
  duration: spec.seconds,
  requests: [
    {
      method: spec.method,
      // autocannon keeps one context object per connection: it remembers which client this connection is.
      setupRequest(req, context: { client?: number }) {
        context.client ??= nextClient++
        const i = context.client
        const headers: Record<string, string> = {}
        if (spec.tokens.length) headers.authorization = `Bearer ${spec.tokens[i % spec.tokens.length]}`
        if (spec.body !== undefined) headers['content-type'] = 'application/json'
        const path = spec.sessions ? spec.path.replace('{session}', spec.sessions[i % spec.sessions.length]) : spec.path
        return { ...req, method: spec.method, path, headers, body: spec.body === undefined ? undefined : JSON.stringify(spec.body) }
      },
    },
  ],
})

const out: LoadResult = {
  requestsPerSecond: result.requests.average,
  p50: result.latency.p50,
  p99: result.latency.p99,
  errors: result.errors,
  non2xx: result.non2xx,
  timeouts: result.timeouts,
  total: result.requests.total,
}
process.stdout.write(`${JSON.stringify(out)}\n`)
