/**
 * Privileged test fixtures for the helper's pkexec and sudo paths (tests run as root in CI):
 * throwaway system users, a world-readable root-owned copy of the helper (a test user must be
 * able to reach it, and a CI checkout often sits in a directory others cannot enter), sudoers
 * drop-ins checked with `visudo -cf` before they are installed, and the pkexec scenario run in a
 * private mount namespace (test/support/pkexec-runner.ts).
 *
 * Everything created here is removed by the matching teardown; nothing touches the system's
 * D-Bus, polkitd or /etc/sudoers itself.
 */
import { execFileSync, spawn } from 'node:child_process'
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import type { PkexecResult, PkexecScenario } from './pkexec-runner.ts'

export const HELPER_SOURCE = resolve('src/helper/bangui-helper.py')
export const POLICY_SOURCE = resolve('build/polkit/org.bangui.helper.policy')
const RUNNER = resolve('test/support/pkexec-runner.ts')
const ENV = { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', LANG: 'C.UTF-8' }

export interface TestUser {
  name: string
  uid: number
  gid: number
}

export function isRoot(): boolean {
  return process.getuid?.() === 0
}

/** What the privileged tests need and is missing ([] = all there). */
export function missingTools(): string[] {
  const need = [
    '/usr/bin/pkexec',
    '/usr/bin/sudo',
    '/usr/sbin/visudo',
    '/usr/bin/dbus-daemon',
    '/usr/lib/polkit-1/polkitd',
    '/usr/bin/unshare',
    '/usr/sbin/useradd',
    '/usr/sbin/userdel'
  ]
  return need.filter((p) => !existsSync(p))
}

/** A system user with no home and no login shell, named `bangui-<tag>-<pid>`. */
export function createTestUser(tag: string): TestUser {
  const name = `bgt-${tag}-${process.pid}`.slice(0, 31)
  execFileSync(
    '/usr/sbin/useradd',
    ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', '--user-group', name],
    { env: ENV }
  )
  const id = (flag: string): number =>
    Number(execFileSync('/usr/bin/id', [flag, name], { env: ENV }).toString().trim())
  return { name, uid: id('-u'), gid: id('-g') }
}

export function removeTestUser(user: TestUser | undefined): void {
  if (!user) return
  try {
    execFileSync('/usr/sbin/userdel', [user.name], { env: ENV, stdio: 'ignore' })
  } catch {
    // already gone
  }
}

/** A root-owned 0755 temp dir (others may enter and read, nobody else may write). */
export function worldReadableDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  chmodSync(dir, 0o755)
  return dir
}

/** Copies the helper to `dir/name`, root-owned, 0755. */
export function installHelperCopy(dir: string, name = 'bangui-helper'): string {
  const path = join(dir, name)
  copyFileSync(HELPER_SOURCE, path)
  chmodSync(path, 0o755)
  return path
}

/**
 * Installs `/etc/sudoers.d/<name>` with `text` after `visudo -cf` accepted it; returns the path.
 * The name has no dot (sudo skips files with one).
 */
export function installSudoers(name: string, text: string): string {
  const staging = mkdtempSync(join(tmpdir(), 'bangui-sudoers-'))
  try {
    const file = join(staging, name)
    writeFileSync(file, text, { mode: 0o440 })
    execFileSync('/usr/sbin/visudo', ['-cf', file], { env: ENV, stdio: 'pipe' })
    const target = join('/etc/sudoers.d', name)
    writeFileSync(target, text, { mode: 0o440, flag: 'wx' })
    return target
  } finally {
    rmSync(staging, { recursive: true, force: true })
  }
}

export function removeSudoers(path: string | undefined): void {
  if (path && path.startsWith('/etc/sudoers.d/')) rmSync(path, { force: true })
}

/** A D-Bus system bus config for the namespace: one private socket, everyone may talk. */
const BUS_CONF = `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <listen>unix:path=/run/dbus/system_bus_socket</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="*"/>
    <allow own="*"/>
    <allow send_destination="*"/>
    <allow receive_sender="*"/>
  </policy>
</busconfig>
`

/**
 * Lays out the namespace's files in `dir` (the shipped policy with its path swapped for the
 * test copy, pkexec's own generic action, a rule granting `granted`) and runs the scenario.
 */
export async function runPkexecScenario(
  dir: string,
  s: Omit<PkexecScenario, 'dir'>,
  grantedName: string
): Promise<PkexecResult & { error?: string }> {
  mkdirSync(dir, { mode: 0o755 })
  for (const d of ['actions', 'rules', 'run', 'empty']) mkdirSync(join(dir, d), { mode: 0o755 })
  const policy = readFileSync(POLICY_SOURCE, 'utf8')
  if (!policy.includes('>/usr/lib/bangui/bangui-helper<')) {
    throw new Error('the shipped policy does not pin /usr/lib/bangui/bangui-helper')
  }
  writeFileSync(
    join(dir, 'actions', 'org.bangui.helper.policy'),
    policy.replace('>/usr/lib/bangui/bangui-helper<', `>${s.helperPath}<`)
  )
  const generic = '/usr/share/polkit-1/actions/org.freedesktop.policykit.policy'
  if (existsSync(generic))
    copyFileSync(generic, join(dir, 'actions', 'org.freedesktop.policykit.policy'))
  writeFileSync(
    join(dir, 'rules', '50-bangui-test.rules'),
    `polkit.addRule(function (action, subject) {
  if (action.id == "org.bangui.helper" && subject.user == "${grantedName}") {
    return polkit.Result.YES;
  }
});
`
  )
  writeFileSync(join(dir, 'bus.conf'), BUS_CONF)

  const scenario: PkexecScenario = { dir, ...s }
  const out = await new Promise<string>((done, fail) => {
    const child = spawn(
      '/usr/bin/unshare',
      ['--mount', '--propagation', 'private', process.execPath, RUNNER, JSON.stringify(scenario)],
      { env: ENV, stdio: ['ignore', 'pipe', 'pipe'] }
    )
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()))
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()))
    const timer = setTimeout(() => child.kill('SIGKILL'), 90_000)
    child.on('error', fail)
    child.on('close', (code) => {
      clearTimeout(timer)
      const line = stdout.trim().split('\n').pop() ?? ''
      if (line.startsWith('{')) done(line)
      else fail(new Error(`pkexec runner exited with ${String(code)}:\n${stdout}\n${stderr}`))
    })
  })
  return JSON.parse(out) as PkexecResult & { error?: string }
}
