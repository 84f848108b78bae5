// The chat page (docs/chat-page.md): the single-page app that `npm run build:web` bundles into web/dist/,
// served at `/` on the API's origin. index.html is revalidated on every load (no-cache); the bundle's
// content-hashed assets never change under their name, so browsers keep them for a year (immutable).
// Every page response carries a strict Content-Security-Policy: only this origin's scripts, styles and
// fetches, no inline code, no framing.

import fastifyStatic from '@fastify/static'
import type { FastifyInstance, FastifyReply } from 'fastify'
import fp from 'fastify-plugin'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { PACKAGE_ROOT } from '../package-root.ts'

/** Where `npm run build:web` writes the page. */
export const WEB_ROOT = fileURLToPath(new URL('web/dist/', PACKAGE_ROOT))
/** URL prefix (and folder under WEB_ROOT) of the hashed assets. */
export const ASSETS_DIR = 'assets'
/** What an asset name looks like: `name-HASH.ext`, nothing that could leave the folder. */
const ASSET_NAME = /^[A-Za-z0-9_-]+\.(js|css|svg)$/

export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ')

const NEVER_STALE = 'no-cache'
const FOREVER = 'public, max-age=31536000, immutable'

// Static files are cheap and a page load costs several of them: they stay out of the per-IP budget that
// guards signup and login (plugins/protection.ts), so opening the page never uses up a user's logins.
const routeConfig = { rateLimit: false } as const

/** Headers of a file being sent (called only once it is found, so a 404 is never cached as immutable). */
function setHeaders(reply: FastifyReply, path: string): void {
  reply
    .header('Cache-Control', path.endsWith('/index.html') ? NEVER_STALE : FOREVER)
    .header('Content-Security-Policy', CONTENT_SECURITY_POLICY)
    .header('X-Content-Type-Options', 'nosniff')
    .header('Referrer-Policy', 'no-referrer')
    .header('Cross-Origin-Opener-Policy', 'same-origin')
}

interface WebPageOptions {
  /** The built page (default WEB_ROOT). */
  root?: string
}

async function webPage(app: FastifyInstance, options: WebPageOptions): Promise<void> {
  const root = options.root ?? WEB_ROOT
  if (!existsSync(`${root}/index.html`)) {
    app.log.warn('the chat page is not built (run `npm run build:web`): GET / answers 404')
    return
  }

  // Encapsulated: reply.sendFile stays private to these routes. serve: false — only sendFile; the routes are
  // ours, so they can carry the rate-limit exemption. sendFile answers ETag/Last-Modified revalidation and
  // HEAD, refuses paths outside `root`, and sends the .br/.gz twin the build wrote when the client accepts it.
  await app.register(async function pageFiles(scope) {
    await scope.register(fastifyStatic, { root, serve: false, cacheControl: false, preCompressed: true, setHeaders })

    scope.get('/', { config: routeConfig }, (_request, reply) => reply.sendFile('index.html'))

    scope.get<{ Params: { name: string } }>(`/${ASSETS_DIR}/:name`, { config: routeConfig }, (request, reply) => {
      const { name } = request.params
      if (!ASSET_NAME.test(name)) return reply.callNotFound()
      return reply.sendFile(`${ASSETS_DIR}/${name}`)
    })
  })
}

export default fp(webPage, { name: 'web-page', fastify: '5.x' })
