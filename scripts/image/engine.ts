// A private buildah + podman for one image-test run: its own storage, run and temp directories under one
// work directory, so the run touches no other image or container on the machine and its cleanup is
// "remove everything in there". Rootful, runc (crun fails on these machines' cgroups), chroot isolation.
import fs from 'node:fs'
import path from 'node:path'
import { exec, commandLine, CommandError, type RunResult } from '../lib/run.ts'

/** The soft limit of open files this process has: containers get the same (more is refused here). */
function openFilesLimit(): number {
  const line = fs.readFileSync('/proc/self/limits', 'utf8').split('\n').find((l) => l.startsWith('Max open files'))
  const soft = Number(line?.split(/\s+/)[3])
  return Number.isInteger(soft) && soft > 0 ? soft : 1024
}

/** Mount points at or under `dir`, deepest first. */
function mountsUnder(dir: string): string[] {
  return fs
    .readFileSync('/proc/self/mounts', 'utf8')
    .split('\n')
    .map((l) => l.split(' ')[1]?.replace(/\\040/g, ' '))
    .filter((m): m is string => !!m && (m === dir || m.startsWith(`${dir}/`)))
    .sort((a, b) => b.length - a.length)
}

/** Removes a directory tree that may still have mounts in it (overlay layers, a debootstrap /proc). */
export async function removeTree(dir: string): Promise<boolean> {
  for (const m of mountsUnder(dir)) await exec('umount', ['-l', m])
  await exec('rm', ['-rf', '--one-file-system', dir])
  return !fs.existsSync(dir)
}

const BRIDGE = 'cni-podman0' // the default podman network's bridge, made on first use

/** Runs podman or buildah with `args`; `check: true` (the default) throws CommandError on failure. */
export type EngineTool = (args: string[], options?: { check?: boolean }) => Promise<RunResult>

export interface Engine {
  env: Record<string, string>
  podman: EngineTool
  buildah: EngineTool
  cleanup(): Promise<boolean>
}

export function createEngine(workDir: string): Engine {
  const dirs = { storage: path.join(workDir, 'storage'), runroot: path.join(workDir, 'runroot'), tmp: path.join(workDir, 'tmp'), libpod: path.join(workDir, 'libpod') }
  for (const d of Object.values(dirs)) fs.mkdirSync(d, { recursive: true })
  const nofile = openFilesLimit()
  fs.writeFileSync(
    path.join(workDir, 'containers.conf'),
    [
      '[containers]',
      // Explicit limits: the defaults ask for more than these machines grant, and runc then fails.
      `default_ulimits = ["nofile=${nofile}:${nofile}", "nproc=4096:4096"]`,
      '[engine]',
      'runtime = "runc"',
      'cgroup_manager = "cgroupfs"',
      'events_logger = "file"',
      `events_logfile_path = "${path.join(workDir, 'events.log')}"`,
      `tmp_dir = "${dirs.libpod}"`,
      '',
    ].join('\n'),
  )
  fs.writeFileSync(
    path.join(workDir, 'storage.conf'),
    ['[storage]', 'driver = "overlay"', `graphroot = "${dirs.storage}"`, `runroot = "${dirs.runroot}"`, ''].join('\n'),
  )
  const env = {
    CONTAINERS_CONF: path.join(workDir, 'containers.conf'),
    CONTAINERS_STORAGE_CONF: path.join(workDir, 'storage.conf'),
    TMPDIR: dirs.tmp,
    BUILDAH_ISOLATION: 'chroot',
  }
  const bridgeExisted = fs.existsSync(`/sys/class/net/${BRIDGE}`)

  /** Runs buildah/podman in this private setup; `check: true` throws CommandError on failure. */
  async function tool(cmd: string, args: string[], { check = true }: { check?: boolean } = {}): Promise<RunResult> {
    const result = await exec(cmd, args, { env })
    if (check && !result.ok) throw new CommandError(commandLine(cmd, args), result)
    return result
  }

  return {
    env,
    podman: (args, options) => tool('podman', args, options),
    buildah: (args, options) => tool('buildah', args, options),

    /** Stops and removes every container, volume, build container and image of this run, then its files. */
    async cleanup() {
      await tool('podman', ['rm', '--all', '--force', '--time', '0'], { check: false })
      await tool('podman', ['volume', 'rm', '--all', '--force'], { check: false })
      await tool('buildah', ['rm', '--all'], { check: false })
      await tool('podman', ['rmi', '--all', '--force'], { check: false })
      const removed = await removeTree(workDir)
      // The bridge of podman's default network stays up after the last container: remove it if this run
      // made it and no container (of another run) is attached to it any more.
      const ports = `/sys/class/net/${BRIDGE}/brif`
      if (!bridgeExisted && fs.existsSync(ports) && fs.readdirSync(ports).length === 0) await exec('ip', ['link', 'delete', BRIDGE])
      return removed
    },
  }
}
