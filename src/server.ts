// The process: config -> app -> listen, and a graceful exit on SIGTERM/SIGINT: stop accepting, let in-flight
// requests finish (answered with Connection: close), flush the store, exit 0 — or exit 1 if that takes longer
// than SHUTDOWN_GRACE_SECONDS.

import { enableCompileCache } from 'node:module'

// Start-up is mostly compiling modules (docs/performance.md). Node's compile cache keeps their V8 code between
// starts: in NODE_COMPILE_CACHE if set, else in <tmpdir>/node-compile-cache (the image's /tmp is writable).
// Best effort: an unwritable directory only means no cache. It applies to modules loaded after this call,
// hence the dynamic imports below.
enableCompileCache()

const { default: closeWithGrace } = await import('close-with-grace')
const { buildApp } = await import('./app.ts')
const { ConfigError, loadConfig } = await import('./config.ts')

function fatal(message: string): never {
  process.stderr.write(`${JSON.stringify({ timestamp: new Date().toISOString(), level: 'ERROR', message })}\n`)
  process.exit(1)
}

const config = (() => {
  try {
    return loadConfig()
  } catch (err) {
    if (err instanceof ConfigError) fatal(err.message)
    throw err
  }
})()

const app = await buildApp(config).catch((err: Error) => fatal(`Start-up failed: ${err.message}`))

closeWithGrace(
  { delay: config.shutdownGraceSeconds * 1000, logger: { error: (msg: unknown) => app.log.error(String(msg)) } },
  async ({ signal, err }) => {
    if (err) app.log.error({ err }, 'fatal error, shutting down')
    else app.log.info({ signal }, 'shutting down: draining in-flight requests')
    await app.close()
    app.log.info('shutdown complete')
  },
)

try {
  await app.listen({ port: config.port, host: config.host }) // logs "Server listening at <address>"
} catch (err) {
  fatal(`Cannot listen on ${config.host}:${config.port}: ${(err as Error).message}`)
}
