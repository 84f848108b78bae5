// scripts/lib/jwt-secret.ts: the service's JWT_SECRET rule (minimum from src/contract.ts), counted in
// UTF-8 bytes like the service counts it, with a message that names the variable, the key and the minimum.
import t from 'tap'
import { jwtSecretProblem } from '../../scripts/lib/jwt-secret.ts'
import { JWT_SECRET_MIN_BYTES as SERVICE_MIN, loadConfig } from '../../src/config.ts'

t.test('the scripts draw the line where the service does', async (t) => {
  t.equal(jwtSecretProblem('x'.repeat(SERVICE_MIN), 'test'), undefined, 'the scripts accept the minimum src/config.ts enforces')
  t.doesNotThrow(() => loadConfig({ JWT_SECRET: 'x'.repeat(SERVICE_MIN) }), 'and that secret starts the service')
  t.throws(() => loadConfig({ JWT_SECRET: 'x'.repeat(SERVICE_MIN - 1) }), 'one byte less is refused by the service')
  t.ok(jwtSecretProblem('x'.repeat(SERVICE_MIN - 1), 'test'), 'and by the scripts')
})

t.test('at least 32 bytes', async (t) => {
  t.equal(jwtSecretProblem('x'.repeat(32), 'test'), undefined, '32 bytes pass')
  t.match(jwtSecretProblem('x'.repeat(31), 'test'), /^test: the JWT secret \(JWT_SECRET, key jwt-secret\) is 31 bytes; it must be at least 32 bytes/, '31 bytes fail')
  t.equal(jwtSecretProblem('é'.repeat(16), 'test'), undefined, '16 two-byte characters are 32 bytes')
  t.ok(jwtSecretProblem('é'.repeat(15), 'test'), '15 of them are 30 bytes')
  t.notMatch(jwtSecretProblem('secret-test-value', 'test')!, /secret-test-value/, 'the value is never shown')
})
