// No secret in git: every tracked file is scanned for plaintext Secret data/stringData and for strings
// shaped like API keys or private keys. The scanner itself is checked first on values made at run time.
import fs from 'node:fs'
import path from 'node:path'
import { execFileSync } from 'node:child_process'
import { generateKeyPairSync } from 'node:crypto'
import t from 'tap'
import YAML from 'yaml'
import { scanText } from '../../scripts/lib/secret-scan.ts'
import { REPO } from './helpers/fixture.ts'

t.test('the scanner finds what it must find', async (t) => {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 1024, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } })
  const secret = (field: string) => YAML.stringify({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, [field]: { 'jwt-secret': 'dGVzdA==' } })
  const apiKey = ['sk', 'proj', 'A1b2C3d4E5f6G7h8I9j0K1l2M3n4'].join('-')
  t.match(scanText('k.pem', privateKey), [/looks like a private key/])
  t.match(scanText('k.json', JSON.stringify({ key: privateKey })), [/looks like a private key/], 'also JSON-escaped')
  const pemLine = (edge: string) => `-----${edge} PRIVATE KEY-----` // assembled: no key-shaped line in git
  t.same(scanText('crd.yaml', `example: "${pemLine('BEGIN')}\\n<private-key>\\n${pemLine('END')}\\n"`), [], 'a header around a placeholder is documentation')
  t.match(scanText('notes.ts', `const key = '${apiKey}'`), [/looks like a OpenAI API key/])
  t.match(scanText('secret.yaml', secret('data')), [/Secret s has data in plaintext/])
  t.match(scanText('secret.yml', secret('stringData')), [/Secret s has stringData in plaintext/])
  t.match(scanText('README.md', `text\n\`\`\`yaml\n${secret('stringData')}\`\`\`\n`), [/Secret s has stringData in plaintext/])
  t.match(scanText('token.txt', `token ${['ghp', 'a'.repeat(36)].join('_')}`), [/GitHub token/])
  t.match(scanText('aws.txt', `AKIA${'Q'.repeat(16)}`), [/AWS access key/])

  t.same(scanText('sealed.yaml', YAML.stringify({ kind: 'SealedSecret', spec: { encryptedData: { 'jwt-secret': 'AgBy3i4OJSWK+PiTySYZZA==' } } })), [], 'a SealedSecret is fine')
  t.same(scanText('empty.yaml', YAML.stringify({ kind: 'Secret', metadata: { name: 's' }, type: 'Opaque' })), [], 'a Secret without values is fine')
  t.same(scanText('doc.md', 'Set OPENAI_API_KEY=sk-... and keep keys out of git.'), [], 'placeholders in prose are fine')
  t.same(scanText('x.test.ts', `const apiKey = '${['sk', 'test', 'key', 'not', 'real', '0123456789'].join('-')}'`), [], 'a fixture value that says it is fake is fine')
})

t.test('no tracked file holds a secret', async (t) => {
  const files = execFileSync('git', ['-C', REPO, 'ls-files', '-z'], { encoding: 'utf8' }).split('\0').filter(Boolean)
  t.ok(files.length > 10, `${files.length} tracked files scanned`)
  const problems: string[] = []
  for (const file of files) {
    const full = path.join(REPO, file)
    if (!fs.existsSync(full) || fs.statSync(full).size > 2_000_000) continue
    const bytes = fs.readFileSync(full)
    if (bytes.includes(0)) continue // binary
    problems.push(...scanText(file, bytes.toString('utf8')))
  }
  t.same(problems, [], 'no plaintext Secret data, API key or private key in git')
})

t.test('the sealing-key backups of the bootstrap are ignored by git', async (t) => {
  const ignored = execFileSync('git', ['-C', REPO, 'check-ignore', '.secrets/todo-app-dev/sealing-keys.yaml'], { encoding: 'utf8' })
  t.equal(ignored.trim(), '.secrets/todo-app-dev/sealing-keys.yaml')
})
