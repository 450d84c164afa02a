/**
 * The helper started the two ways the app starts it for a normal user, end to end:
 * - pkexec: a private system D-Bus and polkitd in a private mount namespace, the shipped polkit
 *   policy (its path swapped for a test copy), a rules.d rule granting one test user; the app's
 *   launcher runs the helper as that user and talks to a private fail2ban-server through it.
 *   Negatives: a user without the rule (127 and the clear message), a path and a first argument
 *   the policy does not pin.
 * - sudo: a sudoers drop-in for a test user (checked with `visudo -cf`), the launcher with
 *   via:'sudo'; other arguments and a user without the rule get "a password is required".
 * They need root (users, sudoers.d, mounts); CI runs as root, so there they always run.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchHelper, HelperLaunchError } from '../src/main/helper/launcher.ts'
import { startTestServer, type TestServer } from './support/f2b-server.ts'
import { directCommand, HelperWire, refusalMessage } from './support/helper-wire.ts'
import {
  createTestUser,
  installHelperCopy,
  installSudoers,
  isRoot,
  missingTools,
  removeSudoers,
  removeTestUser,
  runPkexecScenario,
  worldReadableDir,
  type TestUser
} from './support/privileged-env.ts'
import { rmSync } from 'node:fs'
import { join } from 'node:path'

const missing = missingTools()
const why = !isRoot()
  ? 'needs root (creates users, sudoers drop-ins, mount namespaces)'
  : missing.length
    ? `missing ${missing.join(', ')} (node scripts/system-deps.mjs installs them)`
    : ''
if (why) console.warn(`helper-privileged tests skipped: ${why}`)

describe.skipIf(why !== '')('helper through pkexec and sudo', () => {
  let server: TestServer
  let granted: TestUser
  let denied: TestUser
  let dir: string
  let helperPath: string
  let conf: string
  let sudoers: string | undefined

  beforeAll(async () => {
    server = await startTestServer()
    conf = join(server.dir, 'conf')
    granted = createTestUser('ok')
    denied = createTestUser('no')
    dir = worldReadableDir('bangui-priv-')
    helperPath = installHelperCopy(dir)
  }, 60_000)

  afterAll(async () => {
    removeSudoers(sudoers)
    removeTestUser(granted)
    removeTestUser(denied)
    if (dir) rmSync(dir, { recursive: true, force: true })
    await server?.stop()
  })

  it('pkexec: a granted user reaches fail2ban through the helper; others get 127', async () => {
    const other = installHelperCopy(dir, 'not-pinned-helper')
    const r = await runPkexecScenario(
      join(dir, 'ns'),
      {
        helperPath,
        otherHelperPath: other,
        conf,
        granted: { uid: granted.uid, gid: granted.gid },
        denied: { uid: denied.uid, gid: denied.gid }
      },
      granted.name
    )
    expect(r.error, r.log?.join('\n')).toBeUndefined()
    expect(r.granted!.version).toMatch(/^\d+\.\d+\.\d+$/)
    const [ping, ban, list, refused] = r.granted!.replies
    expect(ping).toEqual([0, 'pong'])
    expect(ban).toEqual([0, 1])
    expect(list).toEqual([0, ['192.0.2.150']])
    expect(refusalMessage(refused)).toMatch(/refused: .*logtarget/)
    expect((r.granted!.exit as { code: number }).code).toBe(0)
    // the ban really reached the private server (read back directly)
    expect(await directCommand(server.socketPath, ['get', 'webapp', 'banip'])).toEqual([
      0,
      ['192.0.2.150']
    ])

    expect(r.denied).toMatchObject({ code: 'NOT_AUTHORIZED', exitCode: 127 })
    expect(r.denied!.message).toMatch(/not authorized.*org\.bangui\.helper/s)
    expect(r.pathMismatch).toMatchObject({ code: 'NOT_AUTHORIZED', exitCode: 127 })
    expect(r.argvMismatch!.status).toBe(127)
    expect(r.argvMismatch!.stderr).toMatch(/Not authorized|No authentication agent/)
  }, 120_000)

  it('sudo: the drop-in lets the user start exactly that command; other arguments and users are refused', async () => {
    sudoers = installSudoers(
      `bangui-test-${process.pid}`,
      `${granted.name} ALL=(root) NOPASSWD: ${helperPath} --stdio --conf ${conf}\n`
    )
    const session = await launchHelper({
      via: 'sudo',
      helperPath,
      extraArgs: ['--conf', conf],
      runAs: { uid: granted.uid, gid: granted.gid },
      timeoutMs: 20_000
    })
    const wire = new HelperWire(session.stream)
    expect(await wire.send(['ping'])).toEqual([0, 'pong'])
    expect(await wire.send(['set', 'sshd', 'banip', '192.0.2.151'])).toEqual([0, 1])
    expect(refusalMessage(await wire.send(['set', 'sshd', 'dbfile', '/tmp/x']))).toMatch(/refused/)
    wire.end()
    expect((await session.exited).code).toBe(0)
    expect(await directCommand(server.socketPath, ['get', 'sshd', 'banip'])).toEqual([
      0,
      ['192.0.2.151']
    ])

    // other arguments than the rule names: sudo refuses (it asks for a password, -n says so)
    const otherArgs = await launchHelper({
      via: 'sudo',
      helperPath,
      extraArgs: ['--conf', '/etc/fail2ban'],
      runAs: { uid: granted.uid, gid: granted.gid },
      timeoutMs: 20_000
    }).catch((e: unknown) => e)
    expect(otherArgs).toBeInstanceOf(HelperLaunchError)
    expect((otherArgs as HelperLaunchError).code).toBe('SUDO_PASSWORD_REQUIRED')

    // a user without the rule: the message shows the sudoers line that fixes it
    const noRule = await launchHelper({
      via: 'sudo',
      helperPath,
      extraArgs: ['--conf', conf],
      runAs: { uid: denied.uid, gid: denied.gid },
      timeoutMs: 20_000
    }).catch((e: unknown) => e)
    expect(noRule).toBeInstanceOf(HelperLaunchError)
    const err = noRule as HelperLaunchError
    expect(err.code).toBe('SUDO_PASSWORD_REQUIRED')
    expect(err.message).toContain(`%sudo ALL=(root) NOPASSWD: ${helperPath} --stdio`)
    expect(err.message).toContain('visudo -cf')
  }, 60_000)
})
