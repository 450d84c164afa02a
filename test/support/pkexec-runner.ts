/**
 * Runs inside a private mount namespace (`unshare --mount --propagation private`, started by
 * test/support/privileged-env.ts), as root: hides the system's D-Bus, polkit actions and rules
 * behind bind mounts, starts a private system bus and polkitd on them, then drives the app's
 * launcher (via 'pkexec', as the test users) and prints one JSON result line on stdout.
 *
 * pkexec is setuid, so GLib ignores DBUS_SYSTEM_BUS_ADDRESS for it and always dials
 * /run/dbus/system_bus_socket: the namespace is what keeps the system's bus untouched.
 * Nothing mounted here is visible outside, and everything ends with this process.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { join } from 'node:path'
import { launchHelper, HelperLaunchError } from '../../src/main/helper/launcher.ts'
import { HelperWire } from './helper-wire.ts'

export interface PkexecScenario {
  /** world-readable dir with actions/, rules/, run/, bus.conf */
  dir: string
  /** helper copy the test policy pins */
  helperPath: string
  /** a second copy at a path no policy names */
  otherHelperPath: string
  /** fail2ban config dir of the private server (for `--conf`) */
  conf: string
  granted: { uid: number; gid: number }
  denied: { uid: number; gid: number }
}

export interface PkexecResult {
  granted?: { version: string; replies: unknown[]; exit: unknown }
  denied?: { code: string; message: string; exitCode: number | null }
  pathMismatch?: { code: string; message: string; exitCode: number | null }
  argvMismatch?: { status: number | null; stderr: string }
  log: string[]
}

const log: string[] = []
const children: ChildProcess[] = []

function mountBind(from: string, to: string): void {
  execFileSync('/usr/bin/mount', ['--bind', from, to])
}

/** Spawns `cmd` and resolves once `ready` appears in its output. */
function startDaemon(cmd: string, args: string[], ready: RegExp, env = {}): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', ...env }
    })
    children.push(child)
    let out = ''
    const timer = setTimeout(() => reject(new Error(`${cmd} not ready:\n${out}`)), 10_000)
    const onData = (chunk: Buffer): void => {
      out += chunk.toString()
      if (ready.test(out)) {
        clearTimeout(timer)
        log.push(`${cmd}: ready`)
        resolve(child)
      }
    }
    child.stdout!.on('data', onData)
    child.stderr!.on('data', onData)
    child.on('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`${cmd} exited with ${String(code)}:\n${out}`))
    })
  })
}

async function failure(
  p: Promise<unknown>
): Promise<{ code: string; message: string; exitCode: number | null }> {
  try {
    await p
  } catch (e) {
    if (e instanceof HelperLaunchError)
      return { code: e.code, message: e.message, exitCode: e.exitCode }
    return { code: 'OTHER', message: String(e), exitCode: null }
  }
  return { code: 'STARTED', message: 'the helper started', exitCode: null }
}

async function main(s: PkexecScenario): Promise<PkexecResult> {
  const result: PkexecResult = { log }
  mountBind(join(s.dir, 'run'), '/run/dbus')
  mountBind(join(s.dir, 'actions'), '/usr/share/polkit-1/actions')
  mountBind(join(s.dir, 'rules'), '/etc/polkit-1/rules.d')
  mountBind(join(s.dir, 'empty'), '/usr/share/polkit-1/rules.d')
  await startDaemon(
    '/usr/bin/dbus-daemon',
    ['--config-file', join(s.dir, 'bus.conf'), '--nofork', '--print-address'],
    /unix:path=/
  )
  await startDaemon(
    '/usr/lib/polkit-1/polkitd',
    [],
    /Acquired the name org\.freedesktop\.PolicyKit1/,
    {
      G_MESSAGES_DEBUG: 'all'
    }
  )

  // granted: the rule lets this user run the pinned helper; talk to fail2ban through it
  const session = await launchHelper({
    via: 'pkexec',
    helperPath: s.helperPath,
    extraArgs: ['--conf', s.conf],
    runAs: s.granted,
    timeoutMs: 20_000
  })
  const wire = new HelperWire(session.stream)
  const replies = [
    await wire.send(['ping']),
    await wire.send(['set', 'webapp', 'banip', '192.0.2.150']),
    await wire.send(['get', 'webapp', 'banip']),
    await wire.send(['set', 'webapp', 'logtarget', 'STDOUT'])
  ]
  wire.end()
  const exit = await session.exited
  result.granted = { version: session.version, replies, exit }

  // no rule for this user: pkexec needs an agent, finds none, 127
  result.denied = await failure(
    launchHelper({
      via: 'pkexec',
      helperPath: s.helperPath,
      extraArgs: ['--conf', s.conf],
      runAs: s.denied,
      timeoutMs: 20_000
    })
  )
  // a path the policy does not pin: pkexec's generic action, which needs a password: 127
  result.pathMismatch = await failure(
    launchHelper({
      via: 'pkexec',
      helperPath: s.otherHelperPath,
      extraArgs: ['--conf', s.conf],
      runAs: s.granted,
      timeoutMs: 20_000
    })
  )
  // another first argument than --stdio (the launcher never sends one): refused as well
  try {
    execFileSync('/usr/bin/pkexec', ['--disable-internal-agent', s.helperPath, '--version'], {
      uid: s.granted.uid,
      gid: s.granted.gid,
      env: { PATH: '/usr/bin:/bin' },
      stdio: ['ignore', 'pipe', 'pipe']
    })
    result.argvMismatch = { status: 0, stderr: '' }
  } catch (e) {
    const err = e as { status: number | null; stderr: Buffer }
    result.argvMismatch = { status: err.status, stderr: err.stderr.toString() }
  }
  return result
}

function cleanup(): void {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL')
}
process.on('exit', cleanup)

const scenario = JSON.parse(process.argv[2]!) as PkexecScenario
main(scenario)
  .then((r) => process.stdout.write(JSON.stringify(r) + '\n'))
  .catch((e: unknown) => {
    process.stdout.write(JSON.stringify({ error: String((e as Error).stack ?? e), log }) + '\n')
  })
  .finally(() => {
    cleanup()
    process.exit(0)
  })
