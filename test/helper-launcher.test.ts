/**
 * The launcher's own failure paths, with real processes standing in for the helper where a real
 * one cannot misbehave on demand (a wrong greeting, silence, an early exit), and the mapping of
 * pkexec's and sudo's exit statuses to errors an admin can act on.
 */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  exitError,
  HelperLaunchError,
  launchHelper,
  type LaunchOptions
} from '../src/main/helper/launcher.ts'

const HELPER = resolve('src/helper/bangui-helper.py')
let dir: string

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'bangui-launcher-'))
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

function script(name: string, body: string): string {
  const p = join(dir, name)
  writeFileSync(p, `#!/bin/sh\n${body}\n`)
  chmodSync(p, 0o755)
  return p
}

async function launchError(opts: LaunchOptions): Promise<HelperLaunchError> {
  const e = await launchHelper(opts).then(
    (s) => {
      s.kill()
      return new Error('the helper started')
    },
    (err: unknown) => err
  )
  expect(e).toBeInstanceOf(HelperLaunchError)
  return e as HelperLaunchError
}

describe('launchHelper failures', () => {
  it('a missing helper: HELPER_MISSING before anything is spawned', async () => {
    const e = await launchError({ via: 'pkexec', helperPath: join(dir, 'nope') })
    expect(e.code).toBe('HELPER_MISSING')
    expect(e.message).toContain(join(dir, 'nope'))
    expect((await launchError({ via: 'direct', helperPath: 'relative/helper' })).code).toBe(
      'HELPER_MISSING'
    )
  })

  it('a program that greets otherwise: BAD_HELLO', async () => {
    // a valid fail2ban reply frame, but not the helper's hello
    const p = script(
      'pong',
      `printf '\\200\\002K\\000X\\004\\000\\000\\000pong\\206q\\000.<F2B_END_COMMAND>'; sleep 5`
    )
    const e = await launchError({ via: 'direct', helperPath: p, timeoutMs: 4000 })
    expect(e.code).toBe('BAD_HELLO')
    const g = script('garbage', `printf 'hello<F2B_END_COMMAND>'; sleep 5`)
    expect((await launchError({ via: 'direct', helperPath: g, timeoutMs: 4000 })).code).toBe(
      'BAD_HELLO'
    )
  })

  it('silence: TIMEOUT, and the process is killed', async () => {
    const p = script('silent', 'exec sleep 30')
    const t0 = Date.now()
    const e = await launchError({ via: 'direct', helperPath: p, timeoutMs: 300 })
    expect(e.code).toBe('TIMEOUT')
    expect(Date.now() - t0).toBeLessThan(5000)
  })

  it('an early exit: EXITED with the status and the stderr tail', async () => {
    const e = await launchError({
      via: 'direct',
      helperPath: HELPER,
      extraArgs: ['--socket', '/nonexistent/f2b.sock']
    })
    expect(e.code).toBe('EXITED')
    expect(e.exitCode).toBe(2)
    expect(e.message).toMatch(/refusing to start: .*nonexistent/)
  })

  it('a socket path that is no socket: refused at start with 2, never 126/127', async () => {
    const s = await launchHelper({
      via: 'direct',
      helperPath: HELPER,
      extraArgs: ['--socket', '/run']
    }).catch((e: unknown) => e)
    // /run is no socket: refused at start, never a 126/127
    expect((s as HelperLaunchError).exitCode).toBe(2)
  })
})

describe('kill()', () => {
  it('ends the helper by closing its stdin: a clean exit 0, no signal needed', async () => {
    // an empty root-owned config dir (in the 0700 temp dir: /tmp itself is writable by others):
    // the default socket, which is only used on the first request
    const conf = join(dir, 'conf')
    mkdirSync(conf, { mode: 0o755 })
    const s = await launchHelper({ via: 'direct', helperPath: HELPER, extraArgs: ['--conf', conf] })
    s.kill()
    expect(await s.exited).toMatchObject({ code: 0, signal: null })
  })
})

describe('exit status mapping', () => {
  const pk: LaunchOptions = { via: 'pkexec', helperPath: '/usr/lib/bangui/bangui-helper' }
  const sudo: LaunchOptions = { via: 'sudo', helperPath: '/usr/lib/bangui/bangui-helper' }

  it('pkexec 126: authentication dismissed or failed', () => {
    const e = exitError(pk, { code: 126, signal: null, stderr: 'Error executing command' })
    expect(e.code).toBe('AUTH_FAILED')
    expect(e.message).toMatch(/dismissed or failed/)
  })

  it('pkexec 127: not authorized or not installed, naming the policy', () => {
    const e = exitError(pk, { code: 127, signal: null, stderr: 'Not authorized' })
    expect(e.code).toBe('NOT_AUTHORIZED')
    expect(e.message).toContain('org.bangui.helper')
    expect(e.message).toContain('Not authorized')
  })

  it('sudo: the password line and the sudoers rule that fixes it', () => {
    const e = exitError(sudo, { code: 1, signal: null, stderr: 'sudo: a password is required\n' })
    expect(e.code).toBe('SUDO_PASSWORD_REQUIRED')
    expect(e.message).toContain('%sudo ALL=(root) NOPASSWD: /usr/lib/bangui/bangui-helper --stdio')
    const n = exitError(sudo, {
      code: 1,
      signal: null,
      stderr: 'Sorry, user bob is not allowed to execute ...'
    })
    expect(n.code).toBe('SUDO_NOT_ALLOWED')
  })

  it('the same statuses from the helper run directly are just EXITED', () => {
    const direct: LaunchOptions = { via: 'direct', helperPath: '/x' }
    expect(exitError(direct, { code: 127, signal: null, stderr: '' }).code).toBe('EXITED')
    expect(exitError(direct, { code: null, signal: 'SIGKILL', stderr: '' }).message).toMatch(
      /killed by SIGKILL/
    )
  })
})
