// The local stand-in for the Dockerfile's base image, since no container registry is reachable here:
// a Debian minbase root filesystem (debootstrap) with the Node.js binary that runs this script and npm
// from the npm registry, laid out like the official node:<version>-<debian>-slim image: node and npm
// in /usr/local, a `node` user with UID 1000, no docs, man pages, locales or apt lists. Built once and
// cached as a tarball under .tmp/image-base/.
import fs from 'node:fs'
import path from 'node:path'
import { exec, commandLine, CommandError, type ExecOptions, type RunResult } from '../lib/run.ts'
import { removeTree } from './engine.ts'

/** What the base image name promises: `node:22.23.3-bookworm-slim[@sha256:…]`. */
export function parseNodeImage(name: string | undefined): { version: string; major: number; suite: string; digest: string | null } | null {
  const m = /^(?:docker\.io\/(?:library\/)?)?node:((\d+)\.\d+\.\d+)-([a-z]+)(-slim)?(@sha256:[0-9a-f]{64})?$/.exec(name ?? '')
  if (!m) return null
  return { version: m[1], major: Number(m[2]), suite: m[3], digest: m[5] ?? null }
}

/** The Debian mirror apt uses on this machine (DEBIAN_MIRROR overrides), for the given suite. */
export function debianMirror(suite: string): string {
  if (process.env.DEBIAN_MIRROR) return process.env.DEBIAN_MIRROR
  const files = ['/etc/apt/sources.list']
  if (fs.existsSync('/etc/apt/sources.list.d')) {
    files.push(...fs.readdirSync('/etc/apt/sources.list.d').filter((f) => /\.(list|sources)$/.test(f)).map((f) => `/etc/apt/sources.list.d/${f}`))
  }
  for (const file of files.filter((f) => fs.existsSync(f))) {
    const text = fs.readFileSync(file, 'utf8')
    if (file.endsWith('.sources')) {
      for (const entry of text.split(/\n\s*\n/)) {
        const field = (name: string): string[] => new RegExp(`^${name}:\\s*(.+)$`, 'mi').exec(entry)?.[1].trim().split(/\s+/) ?? []
        if (field('Types').includes('deb') && field('Suites').includes(suite)) {
          const uri = field('URIs').find((u) => /^https?:\/\//.test(u))
          if (uri) return uri
        }
      }
    } else {
      for (const line of text.split('\n')) {
        const m = /^deb\s+(?:\[[^\]]*\]\s+)?(https?:\/\/\S+)\s+(\S+)/.exec(line.trim())
        if (m && m[2] === suite) return m[1]
      }
    }
  }
  return 'http://deb.debian.org/debian'
}

async function run(cmd: string, args: string[], options?: ExecOptions): Promise<RunResult> {
  const result = await exec(cmd, args, options)
  if (!result.ok) throw new CommandError(commandLine(cmd, args), result)
  return result
}

/**
 * The cached stand-in tarball, built first when missing. Returns { file, built } (built: false when it
 * came from the cache).
 */
export interface StandinOptions {
  cacheDir: string
  suite: string
  nodeBinary: string
  nodeVersion: string
  npmVersion: string
  mirror: string
}

export async function standinTarball({ cacheDir, suite, nodeBinary, nodeVersion, npmVersion, mirror }: StandinOptions): Promise<{ file: string; built: boolean }> {
  const file = path.join(cacheDir, `debian-${suite}-minbase-node${nodeVersion}-npm${npmVersion}.tar.gz`)
  if (fs.existsSync(file)) return { file, built: false }

  fs.mkdirSync(cacheDir, { recursive: true })
  const rootfs = path.join(cacheDir, `rootfs-${process.pid}`)
  try {
    await run('debootstrap', ['--variant=minbase', suite, rootfs, mirror])
    // What the Debian slim images leave out.
    for (const dir of ['usr/share/doc', 'usr/share/man', 'usr/share/info', 'usr/share/locale', 'var/lib/apt/lists', 'var/cache/apt/archives']) {
      for (const entry of fs.readdirSync(path.join(rootfs, dir))) {
        if (entry !== 'partial' && entry !== 'lock') fs.rmSync(path.join(rootfs, dir, entry), { recursive: true, force: true })
      }
    }
    // Node.js and npm where the official image has them.
    fs.copyFileSync(nodeBinary, path.join(rootfs, 'usr/local/bin/node'))
    fs.chmodSync(path.join(rootfs, 'usr/local/bin/node'), 0o755)
    const npmTarball = path.join(cacheDir, `npm-${npmVersion}.tgz`)
    if (!fs.existsSync(npmTarball)) await run('npm', ['pack', `npm@${npmVersion}`, '--pack-destination', cacheDir, '--silent'])
    const npmDir = path.join(rootfs, 'usr/local/lib/node_modules/npm')
    fs.mkdirSync(npmDir, { recursive: true })
    await run('tar', ['-xzf', npmTarball, '-C', npmDir, '--strip-components=1', '--no-same-owner'])
    fs.symlinkSync('../lib/node_modules/npm/bin/npm-cli.js', path.join(rootfs, 'usr/local/bin/npm'))
    fs.symlinkSync('../lib/node_modules/npm/bin/npx-cli.js', path.join(rootfs, 'usr/local/bin/npx'))
    // The official image's `node` user (the Dockerfile uses the numeric 1000:1000 and needs no name).
    fs.appendFileSync(path.join(rootfs, 'etc/passwd'), 'node:x:1000:1000::/home/node:/bin/bash\n')
    fs.appendFileSync(path.join(rootfs, 'etc/group'), 'node:x:1000:\n')
    fs.appendFileSync(path.join(rootfs, 'etc/shadow'), 'node:*:19000:0:99999:7:::\n')
    fs.mkdirSync(path.join(rootfs, 'home/node'))
    fs.chownSync(path.join(rootfs, 'home/node'), 1000, 1000)

    const partial = `${file}.${process.pid}.partial`
    await run('tar', ['--numeric-owner', '-czf', partial, '-C', rootfs, '.'])
    fs.renameSync(partial, file)
    return { file, built: true }
  } finally {
    await removeTree(rootfs)
  }
}
