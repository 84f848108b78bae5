// Issue 13, finding 11: gen/ rendered settings the service refuses (prod with TRUST_PROXY=11 or
// RATE_LIMIT_PER_MINUTE=0 rendered green, then the pods crash-looped). The table is now judged by the
// service's own loader, and gen/ and scripts/ take names, defaults and minimums from src/contract.ts.

import t from 'tap'
import { baseConfig, port } from '../../gen/constants.ts'
import { checkEnvironment, serviceEnvironment } from '../../gen/check-table.ts'
import { environments } from '../../gen/environments.ts'
import { loadConfig } from '../../src/config.ts'
import { DEFAULT_PORT, INTEGER_SETTINGS, SECRET_VARIABLES } from '../../src/contract.ts'
import { configDelta } from '../../gen/overlay.ts'

const broken = (edit: (config: Record<string, unknown>) => void) => {
  const e = structuredClone(environments.prod)
  edit(e.config as unknown as Record<string, unknown>)
  return () => checkEnvironment(e)
}

t.test('settings the service would refuse fail the table check, naming the variable', async (t) => {
  t.throws(broken((c) => { c.TRUST_PROXY = 11 }), /environments\.prod\.config\.TRUST_PROXY: the service would refuse to start: Invalid TRUST_PROXY="11": must be a whole number from 0 to 10/)
  t.throws(broken((c) => { c.RATE_LIMIT_PER_MINUTE = 0 }), /environments\.prod\.config\.RATE_LIMIT_PER_MINUTE: .*Invalid RATE_LIMIT_PER_MINUTE="0"/)
  t.throws(broken((c) => { c.SESSION_TIMEOUT_MINUTES = 600_000 }), /config\.SESSION_TIMEOUT_MINUTES/)
  t.throws(broken((c) => { c.AI_TIMEOUT_SECONDS = 0 }), /config\.AI_TIMEOUT_SECONDS/)
  t.throws(broken((c) => { c.LOG_LEVEL = 'LOUD' }), /config\.LOG_LEVEL: .*must be one of DEBUG, INFO, WARNING, ERROR/)
  t.throws(broken((c) => { c.REQUEST_TIMEOUT_SECONDS = 30 }), /config\.REQUEST_TIMEOUT_SECONDS: .*below SHUTDOWN_GRACE_SECONDS/)
})

t.test('every environment as committed passes the service loader', async (t) => {
  for (const env of Object.values(environments)) {
    t.doesNotThrow(() => checkEnvironment(env), env.name)
    const config = loadConfig(serviceEnvironment(env))
    t.equal(config.aiBackend, env.config.AI_BACKEND.toLowerCase(), `${env.name}: the pods get the table's backend`)
    t.equal(config.storageBackend, env.storage.backend, `${env.name}: the pods get the table's storage backend`)
  }
})

t.test('the base ConfigMap repeats the service defaults from the contract, and the port is the contract\'s', async (t) => {
  const defaults = loadConfig({})
  t.equal(baseConfig.LOG_LEVEL, defaults.logLevel)
  t.equal(baseConfig.AI_BACKEND, defaults.aiBackend)
  t.equal(Number(baseConfig.SESSION_TIMEOUT_MINUTES), defaults.sessionTimeoutMinutes)
  t.equal(Number(baseConfig.RATE_LIMIT_PER_MINUTE), defaults.rateLimitPerMinute)
  t.equal(Number(baseConfig.AI_TIMEOUT_SECONDS), defaults.aiTimeoutSeconds)
  t.equal(port, DEFAULT_PORT)
  t.equal(defaults.port, INTEGER_SETTINGS.PORT.default)
})

t.test('a postgres environment without the database URL would not start: the check supplies it only as a stand-in', async (t) => {
  const prod = environments.prod
  t.equal(prod.storage.backend, 'postgres')
  const { DATABASE_URL, ...withoutUrl } = serviceEnvironment(prod)
  t.match(DATABASE_URL, /^postgresql:\/\//)
  t.throws(() => loadConfig(withoutUrl), /DATABASE_URL/)
  t.notOk('DATABASE_URL' in serviceEnvironment(environments.dev), 'dev on SQLite needs none')
})

t.test('no variable that comes from a Secret is ever rendered into a ConfigMap', async (t) => {
  for (const name of SECRET_VARIABLES) {
    t.notOk(name in baseConfig, `base ConfigMap has no ${name}`)
    for (const env of Object.values(environments)) {
      t.notOk(configDelta(env).some((literal) => literal.startsWith(`${name}=`)), `${env.name}'s ConfigMap has no ${name}`)
    }
  }
})
