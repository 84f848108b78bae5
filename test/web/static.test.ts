// The chat page as the service serves it (src/plugins/web-page.ts): index.html revalidated on every load,
// hashed assets cached for a year, a strict Content-Security-Policy with nothing inline, compressed twins,
// no way out of the folder, and static GETs outside the per-IP rate limit that guards login.
import Fastify from 'fastify'
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { gunzipSync, gzipSync } from 'node:zlib'
import t from 'tap'
import webPage, { CONTENT_SECURITY_POLICY, WEB_ROOT } from '../../src/plugins/web-page.ts'
import { BUDGET_GZIP_BYTES, ensureWebBuilt } from '../../web/build.ts'
import { errorCode, testApp } from '../app/helpers.ts'

await ensureWebBuilt()

const assetUrls = (html: string) => [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1])

t.test('GET / is the page: no-cache, a strict CSP, same-origin assets only, nothing inline', async (t) => {
  const { app } = await testApp(t)
  const res = await app.inject({ method: 'GET', url: '/' })
  t.equal(res.statusCode, 200)
  t.match(res.headers['content-type'], /^text\/html/)
  t.equal(res.headers['cache-control'], 'no-cache', 'revalidated on every load, so a deploy is picked up at once')
  const csp = String(res.headers['content-security-policy'])
  t.equal(csp, CONTENT_SECURITY_POLICY)
  for (const directive of ["default-src 'self'", "script-src 'self'", "style-src 'self'", "frame-ancestors 'none'", "object-src 'none'"]) {
    t.ok(csp.split('; ').includes(directive), `CSP has ${directive}`)
  }
  t.notMatch(csp, /unsafe-|\*|https?:|data:/, 'no unsafe-inline/eval, wildcard, other host or data: source')
  t.equal(res.headers['x-content-type-options'], 'nosniff')

  const html = res.body
  const urls = assetUrls(html)
  t.ok(urls.length >= 2, 'the page links its script and stylesheet')
  for (const url of urls) t.match(url, /^\/assets\/[\w-]+-[\w-]{8,}\.(js|css|svg)$/, `${url}: same origin, content-hashed name`)
  t.notMatch(html, /<script(?![^>]*\bsrc=)[^>]*>/, 'no inline script')
  t.notMatch(html, /<style|\sstyle=|\son\w+=/i, 'no inline style or event handler attribute')
})

t.test('hashed assets are cached forever, served compressed when accepted, and revalidate', async (t) => {
  const { app } = await testApp(t)
  const html = (await app.inject({ method: 'GET', url: '/' })).body
  const types: Record<string, RegExp> = { js: /^(text|application)\/javascript/, css: /^text\/css/, svg: /^image\/svg\+xml/ }
  for (const url of assetUrls(html)) {
    const plain = await app.inject({ method: 'GET', url })
    t.equal(plain.statusCode, 200, `${url} 200`)
    t.equal(plain.headers['cache-control'], 'public, max-age=31536000, immutable', `${url} immutable`)
    t.match(plain.headers['content-type'], types[url.split('.').at(-1)!]!, `${url} content type`)
    t.equal(plain.headers['content-security-policy'], CONTENT_SECURITY_POLICY)
    const gz = await app.inject({ method: 'GET', url, headers: { 'accept-encoding': 'gzip' } })
    t.equal(gz.headers['content-encoding'], 'gzip', `${url} gzip when accepted`)
    t.match(gz.headers.vary, /accept-encoding/i, 'Vary: Accept-Encoding for shared caches')
    t.equal(gunzipSync(gz.rawPayload).toString(), plain.body, `${url} gzip twin has the same content`)
    const again = await app.inject({ method: 'GET', url, headers: { 'if-none-match': String(plain.headers.etag) } })
    t.equal(again.statusCode, 304, `${url} revalidates with its ETag`)
  }
  const head = await app.inject({ method: 'HEAD', url: '/' })
  t.equal(head.statusCode, 200, 'HEAD /')
})

t.test('a missing or malformed asset is a contract 404, never cached and never outside the folder', async (t) => {
  const { app } = await testApp(t)
  for (const url of ['/assets/main-NOTBUILT.js', '/assets/..%2F..%2Fpackage.json', '/assets/%2e%2e%2fpackage.json', '/assets/index.html.br', '/assets/']) {
    const res = await app.inject({ method: 'GET', url })
    t.equal(res.statusCode, 404, `${url} 404`)
    t.equal(errorCode(res), 'NOT_FOUND', `${url} has the contract's error body`)
    t.notMatch(String(res.headers['cache-control'] ?? ''), /immutable/, `${url}: a 404 is not cached as immutable`)
    t.notMatch(res.body, /"version"|todo-gitops/, 'no file from outside web/dist')
  }
})

t.test('static GETs are outside the per-IP rate limit; the API keeps its limit', async (t) => {
  const { app } = await testApp(t, { RATE_LIMIT_PER_MINUTE: '2' })
  const html = (await app.inject({ method: 'GET', url: '/' })).body
  for (let i = 0; i < 3; i++) {
    for (const url of ['/', ...assetUrls(html)]) {
      t.equal((await app.inject({ method: 'GET', url })).statusCode, 200, `page load ${i + 1}: ${url}`)
    }
  }
  const login = () => app.inject({ method: 'POST', url: '/auth/login', payload: { email: 'nobody@example.test', password: 'not the password' } })
  t.equal((await login()).statusCode, 401, 'the first login is still within the budget')
  t.equal((await login()).statusCode, 401, 'the second too')
  t.equal((await login()).statusCode, 429, 'the third is over it: the limit still guards the API')
})

t.test('the bundle stays within its transfer budget', async (t) => {
  const dir = path.join(WEB_ROOT, 'assets')
  let gzipped = 0
  for (const name of (await readdir(dir)).filter((n) => /\.(js|css)$/.test(n))) gzipped += gzipSync(await readFile(path.join(dir, name)), { level: 9 }).length
  t.ok(gzipped > 0, 'there is a script and a stylesheet')
  t.ok(gzipped <= BUDGET_GZIP_BYTES, `JS + CSS gzipped: ${gzipped} B ≤ ${BUDGET_GZIP_BYTES} B`)
})

t.test('without a build, the service still starts and GET / is a 404 with a warning naming the command', async (t) => {
  const empty = await mkdtemp(path.join(tmpdir(), 'web-page-'))
  t.teardown(() => rm(empty, { recursive: true, force: true }))
  const lines: string[] = []
  const app = Fastify({ logger: { level: 'warn', stream: { write: (l: string) => void lines.push(l) } } })
  t.teardown(() => app.close())
  await app.register(webPage, { root: empty })
  t.equal((await app.inject({ method: 'GET', url: '/' })).statusCode, 404)
  t.match(lines.join(''), /npm run build:web/)
})
