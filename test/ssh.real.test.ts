/**
 * The SSH transport end to end: the system ssh client against a private real sshd (and a second
 * one as a jump host), the helper pushed over the session and run by the server's python3, and
 * three private real fail2ban-servers as three "servers". Needs root (users, sshd, sudoers
 * drop-ins): CI runs as root, so these run there; elsewhere they are skipped with the reason.
 */
import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { classifyReplyError, SshError } from '../src/main/ssh/failures.ts'
import { acceptHostKey, fetchHostKey } from '../src/main/ssh/host-keys.ts'
import { launchRemoteHelper, type RemoteHelper } from '../src/main/ssh/launcher.ts'
import type { ServerProfile } from '../src/main/ssh/profile.ts'
import { testProfile } from '../src/main/ssh/probe.ts'
import { ReconnectPolicy } from '../src/main/ssh/reconnect.ts'
import { ServerLink, type LinkState } from '../src/main/ssh/server-link.ts'
import { fail2banClient } from './support/f2b-server.ts'
import { FrameClient, StreamClosedError } from './support/frame-client.ts'
import { cmdline, descendants, sshLabUnavailable } from './support/sshd.ts'
import { startSshLab, type SshLab } from './support/ssh-lab.ts'

const why = sshLabUnavailable()
if (why) console.log(`SKIPPED ssh.real.test.ts: ${why}`)

let lab: SshLab
const open: RemoteHelper[] = []

beforeAll(async () => {
  if (why) return
  lab = await startSshLab(3)
}, 90_000)
afterAll(async () => {
  for (const h of open) h.kill()
  await lab?.stop()
})

async function launch(profile: ServerProfile): Promise<RemoteHelper> {
  const h = await launchRemoteHelper(profile, { helperSource: lab.helperSource })
  open.push(h)
  return h
}

/** What launching does, as an SshError (fails the test if it connects). */
async function failure(profile: ServerProfile): Promise<SshError> {
  const err = await launch(profile).then(
    (h) => {
      h.kill()
      return new Error('connected')
    },
    (e: unknown) => e
  )
  expect(err).toBeInstanceOf(SshError)
  return err as SshError
}

/** sshd log lines that mean a login went through or a command started. */
function sessionsIn(log: string): number {
  return (log.match(/Accepted publickey|Starting session/g) ?? []).length
}

describe.skipIf(why)('SSH transport against a private sshd and real fail2ban-servers', () => {
  it('root login: pushes the helper, reads its hello, bans through it', async () => {
    const s = lab.f2b[0]!
    const h = await launch(lab.profile('srv-root', { remoteSocket: s.socketPath }))
    expect(h.version).toMatch(/^\d+\.\d+/)
    const c = new FrameClient(h.stream)
    expect(await c.send(['ping'])).toEqual([0, 'pong'])
    await expect(c.send(['set', 'bulk', 'banip', '192.0.2.11'])).resolves.toEqual([0, 1])
    expect(await fail2banClient(s.socketPath, ['get', 'bulk', 'banned'])).toContain('192.0.2.11')
    // the helper's allow-list is in force on the server
    const refused = (await c.send(['set', 'logtarget', 'STDOUT'])) as [number, unknown]
    expect(refused[0]).toBe(1)
    h.kill()
    expect((await h.exited).error).toBeUndefined()
  })

  it('sudo -n: a user with the sudoers line the app shows reaches a root-only socket', async () => {
    const s = lab.f2b[1]!
    const h = await launch(lab.profile('srv-sudo', { become: 'sudo', remoteSocket: s.socketPath }))
    const c = new FrameClient(h.stream)
    await expect(c.send(['set', 'bulk', 'banip', '192.0.2.12'])).resolves.toEqual([0, 1])
    expect(await fail2banClient(s.socketPath, ['get', 'bulk', 'banned'])).toContain('192.0.2.12')
    h.kill()
  })

  it('sudo needing a password: a clear error with the sudoers line that fixes it', async () => {
    const before = await fail2banClient(lab.f2b[1]!.socketPath, ['get', 'bulk', 'banned'])
    const e = await failure(
      lab.profile('srv-password', { become: 'sudo', remoteSocket: lab.f2b[1]!.socketPath })
    )
    expect(e.kind).toBe('sudo-password')
    expect(e.message).toMatch(/needs a password/)
    expect(e.fix).toContain(`${lab.passwordUser.name} ALL=(root) NOPASSWD: /usr/bin/python3`)
    expect(await fail2banClient(lab.f2b[1]!.socketPath, ['get', 'bulk', 'banned'])).toBe(before)
  })

  it('installed helper: the narrow sudoers rule the app shows admits exactly its argv', async () => {
    const s = lab.f2b[2]!
    const profile = lab.profile('srv-password', {
      become: 'sudo',
      helper: 'installed',
      remoteSocket: s.socketPath
    })
    const opts = { installedHelperPath: lab.installedHelper }
    const h = await launchRemoteHelper(profile, opts)
    open.push(h)
    expect(await new FrameClient(h.stream).send(['ping'])).toEqual([0, 'pong'])
    h.kill()
    // other arguments (another socket) are not in the rule: sudo wants a password
    const other = await launchRemoteHelper(
      { ...profile, remoteSocket: lab.f2b[0]!.socketPath },
      opts
    ).catch((e: unknown) => e)
    expect(other).toBeInstanceOf(SshError)
    expect((other as SshError).kind).toBe('sudo-password')
    expect((other as SshError).fix).toContain(
      `${lab.passwordUser.name} ALL=(root) NOPASSWD: ${lab.installedHelper} --stdio --socket ${lab.f2b[0]!.socketPath}`
    )
    // and where it is not installed, the state says so
    const missing = await launchRemoteHelper(lab.profile('srv-root', { helper: 'installed' }), {
      installedHelperPath: `${lab.dir}/nowhere/bangui-helper`
    }).catch((e: unknown) => e)
    expect((missing as SshError).kind).toBe('helper-missing')
  })

  it('unknown host key: refused before login; fetched, shown as ssh-keygen -lf; accepted', async () => {
    const profile = lab.profile('srv-unknown', { remoteSocket: lab.f2b[0]!.socketPath })
    const logBefore = sessionsIn(lab.a.log())
    const e = await failure(profile)
    expect(e.kind).toBe('host-key-unknown')
    const key = await fetchHostKey(profile)
    // neither the refused connect nor the key fetch logged in or ran anything
    expect(sessionsIn(lab.a.log())).toBe(logBefore)
    expect(key.fingerprint).toBe(lab.a.fingerprint())
    expect(key.display).toBe(`256 ${lab.a.fingerprint()} bangui-unknown (ED25519)`)
    expect(key.keyType).toBe('ssh-ed25519')
    const file = await acceptHostKey(profile, key)
    expect(file).toBe(lab.knownHosts)
    expect(readFileSync(lab.knownHosts, 'utf8')).toContain(
      `\nbangui-unknown ssh-ed25519 ${key.key}\n`
    )
    const h = await launch(profile)
    expect(await new FrameClient(h.stream).send(['ping'])).toEqual([0, 'pong'])
    h.kill()
  })

  it('accepting writes a hashed line when HashKnownHosts is on, and ssh finds it', async () => {
    const profile = lab.profile('srv-hashed', { remoteSocket: lab.f2b[0]!.socketPath })
    expect((await failure(profile)).kind).toBe('host-key-unknown')
    await acceptHostKey(profile, await fetchHostKey(profile))
    const text = readFileSync(lab.knownHosts, 'utf8')
    expect(text).not.toContain('bangui-hashed')
    const found = execFileSync(
      '/usr/bin/ssh-keygen',
      ['-F', 'bangui-hashed', '-f', lab.knownHosts],
      { encoding: 'utf8' }
    )
    expect(found).toMatch(/^\|1\|/m)
    const h = await launch(profile)
    expect(await new FrameClient(h.stream).send(['ping'])).toEqual([0, 'pong'])
    h.kill()
  })

  it('the UI flow: link fails on the unknown key, no retry loop; accept, retry(), connected', async () => {
    const profile = lab.profile('srv-new', { remoteSocket: lab.f2b[0]!.socketPath })
    const link = new ServerLink(profile, {
      helperSource: lab.helperSource,
      policy: new ReconnectPolicy({ baseMs: 50, jitter: 0 })
    })
    try {
      link.start()
      const st = await link.waitFor((x) => x.status === 'failed')
      expect(st.status === 'failed' && st.error.kind).toBe('host-key-unknown')
      await acceptHostKey(profile, await fetchHostKey(profile))
      link.retry()
      await link.waitFor((x) => x.status === 'connected')
      expect(await new FrameClient(link.session!.stream).send(['ping'])).toEqual([0, 'pong'])
    } finally {
      await link.stop()
    }
  })

  it('refuses to record a key fetched for another host', async () => {
    const key = await fetchHostKey(lab.profile('srv-root'))
    await expect(acceptHostKey(lab.profile('srv-unknown'), key)).rejects.toThrow(
      /fetched for \[127\.0\.0\.1\]:\d+, but the profile connects to bangui-unknown/
    )
    await expect(
      acceptHostKey(lab.profile('srv-unknown'), { ...key, host: 'bangui-unknown', key: 'AA\nBB' })
    ).rejects.toThrow(/not a valid host key/)
  })

  it('changed host key: refused like OpenSSH, offending line named, nothing sent', async () => {
    const s = lab.f2b[0]!
    const logBefore = sessionsIn(lab.a.log())
    const bansBefore = await fail2banClient(s.socketPath, ['banned'])
    const e = await failure(lab.profile('srv-changed', { remoteSocket: s.socketPath }))
    expect(e.kind).toBe('host-key-changed')
    expect(e.message).toContain('REMOTE HOST IDENTIFICATION HAS CHANGED')
    expect(e.message).toContain(`Offending key in ${lab.knownHosts}:${lab.changedKeyLine}`)
    expect(e.hostKey?.fingerprint).toBe(lab.a.fingerprint())
    expect(sessionsIn(lab.a.log())).toBe(logBefore)
    expect(await fail2banClient(s.socketPath, ['banned'])).toBe(bansBefore)
  })

  it('tells unreachable, auth failed, python3 missing and fail2ban not running apart', async () => {
    expect((await failure(lab.profile('srv-closed'))).kind).toBe('unreachable')
    const auth = await failure(lab.profile('srv-stranger'))
    expect(auth.kind).toBe('auth-failed')
    expect(auth.message).toMatch(/never prompts/)
    expect((await failure(lab.profile('srv-nopython'))).kind).toBe('python-missing')
    const down = await failure(
      lab.profile('srv-root', { remoteSocket: `${lab.f2b[0]!.dir}/missing.sock` })
    )
    expect(down.kind).toBe('fail2ban-not-running')
  })

  it('honours -i: the profile\u2019s identity file gets a stranger in', async () => {
    const profile = lab.profile('srv-stranger', { remoteSocket: lab.f2b[0]!.socketPath })
    expect((await failure(profile)).kind).toBe('auth-failed')
    const h = await launch({ ...profile, identityFile: lab.identity })
    expect(await new FrameClient(h.stream).send(['ping'])).toEqual([0, 'pong'])
    h.kill()
  })

  it('the Test button: connects, pings fail2ban, lists its jails', async () => {
    const r = await testProfile(lab.profile('srv-root', { remoteSocket: lab.f2b[2]!.socketPath }), {
      helperSource: lab.helperSource
    })
    expect(r.jails).toEqual(lab.f2b[2]!.jails)
    expect(r.version).toMatch(/^\d+\.\d+/)
  })

  it('fail2ban stopped mid-session: the link says so, waits, and comes back with it', async () => {
    const s = lab.f2b[2]!
    const link = new ServerLink(lab.profile('srv-root', { remoteSocket: s.socketPath }), {
      helperSource: lab.helperSource,
      policy: new ReconnectPolicy({ baseMs: 200, maxMs: 1_000, jitter: 0 })
    })
    try {
      link.start()
      await link.waitFor((st) => st.status === 'connected')
      await s.stop()
      // the next command finds the socket gone: the helper says so, the session stays up
      const reply = await new FrameClient(link.session!.stream).send(['ping'])
      const down = classifyReplyError('srv-root', reply)
      expect(down?.kind).toBe('fail2ban-not-running')
      link.reportFailure(down!)
      const st = await link.waitFor(
        (x) => x.status === 'waiting' && x.error.kind === 'fail2ban-not-running'
      )
      expect(st.status === 'waiting' && st.error.message).toMatch(/fail2ban is not running/)
      await s.restart()
      await link.waitFor((x) => x.status === 'connected')
      expect(await new FrameClient(link.session!.stream).send(['ping'])).toEqual([0, 'pong'])
    } finally {
      await link.stop()
    }
  }, 60_000)

  // With the default socket the helper starts even when fail2ban is down; the link's first ping
  // finds out. Skipped where a system fail2ban listens there (never touch the system's daemon).
  const systemSocket = '/var/run/fail2ban/fail2ban.sock'
  if (existsSync(systemSocket)) {
    console.log(`SKIPPED default-socket test: a system fail2ban listens at ${systemSocket}`)
  }
  it.skipIf(existsSync(systemSocket))(
    'default socket with no fail2ban behind it: the link is not "connected" but waiting',
    async () => {
      const link = new ServerLink(lab.profile('srv-root'), {
        helperSource: lab.helperSource,
        policy: new ReconnectPolicy({ baseMs: 5_000, jitter: 0 })
      })
      const seen: string[] = []
      link.on('state', (st) => seen.push(st.status))
      try {
        link.start()
        const st = await link.waitFor((x) => x.status === 'waiting')
        expect(st.status === 'waiting' && st.error.kind).toBe('fail2ban-not-running')
        expect(seen).not.toContain('connected')
      } finally {
        await link.stop()
      }
    }
  )

  it('ProxyJump through a second private sshd', async () => {
    const s = lab.f2b[2]!
    const jumpLogins = sessionsIn(lab.b.log())
    const h = await launch(lab.profile('srv-via-jump', { remoteSocket: s.socketPath }))
    const c = new FrameClient(h.stream)
    await expect(c.send(['set', 'bulk', 'banip', '192.0.2.13'])).resolves.toEqual([0, 1])
    expect(await fail2banClient(s.socketPath, ['get', 'bulk', 'banned'])).toContain('192.0.2.13')
    expect(sessionsIn(lab.b.log())).toBeGreaterThan(jumpLogins)
    h.kill()
  })

  it('helper killed mid-command: the pending request fails, typed, without a hang', async () => {
    const s = lab.f2b[0]!
    const h = await launch(lab.profile('srv-root', { remoteSocket: s.socketPath }))
    const c = new FrameClient(h.stream)
    expect(await c.send(['ping'])).toEqual([0, 'pong'])
    // freeze fail2ban so the next request stays pending inside the helper
    process.kill(s.pid, 'SIGSTOP')
    try {
      const pending = c.send(['status'])
      const helper = descendants(lab.a.pid()!).find((p) =>
        cmdline(p).includes(`--socket ${s.socketPath}`)
      )
      expect(helper, 'the helper process on the server').toBeDefined()
      process.kill(helper!, 'SIGKILL')
      await expect(pending).rejects.toBeInstanceOf(StreamClosedError)
      const exit = await h.exited
      expect(exit.error).toBeInstanceOf(SshError)
      expect(['session-dropped', 'helper-failed']).toContain(exit.error!.kind)
    } finally {
      process.kill(s.pid, 'SIGCONT')
    }
  })

  it('sshd stopped mid-session and back: dropped, retried with back-off, reconnected', async () => {
    const s = lab.f2b[0]!
    const link = new ServerLink(lab.profile('srv-root', { remoteSocket: s.socketPath }), {
      helperSource: lab.helperSource,
      policy: new ReconnectPolicy({ baseMs: 200, maxMs: 1_000, jitter: 0 })
    })
    const states: LinkState['status'][] = []
    const kinds: string[] = []
    link.on('state', (st) => {
      states.push(st.status)
      if (st.status === 'waiting') kinds.push(st.error.kind)
    })
    try {
      link.start()
      await link.waitFor((st) => st.status === 'connected')
      const first = link.session!
      expect(await new FrameClient(first.stream).send(['ping'])).toEqual([0, 'pong'])

      await lab.a.stop()
      await link.waitFor((st) => st.status === 'waiting')
      expect(kinds[0]).toBe('session-dropped')
      // while sshd is down the link keeps trying (unreachable), never 'failed'
      await link.waitFor((st) => st.status === 'waiting' && st.error.kind === 'unreachable')
      await lab.a.start()
      await link.waitFor((st) => st.status === 'connected')
      const second = link.session!
      expect(second).not.toBe(first)
      expect(await new FrameClient(second.stream).send(['ping'])).toEqual([0, 'pong'])
      expect(states).not.toContain('failed')
    } finally {
      await link.stop()
    }
  }, 60_000)

  it('a refusal that needs the admin stops the link instead of looping', async () => {
    const link = new ServerLink(lab.profile('srv-password', { become: 'sudo' }), {
      helperSource: lab.helperSource,
      policy: new ReconnectPolicy({ baseMs: 50, jitter: 0 })
    })
    let attempts = 0
    link.on('state', (st) => {
      if (st.status === 'connecting') attempts++
    })
    link.start()
    const st = await link.waitFor((x) => x.status === 'failed')
    expect(st.status === 'failed' && st.error.kind).toBe('sudo-password')
    await new Promise((r) => setTimeout(r, 300))
    expect(attempts).toBe(1)
    await link.stop()
  })

  describe('a hostile server cannot make the launcher hang or run code', () => {
    const hostile = async (source: string, helloTimeoutMs = 10_000): Promise<SshError> => {
      const started = Date.now()
      const err = await launchRemoteHelper(lab.profile('srv-root'), {
        helperSource: Buffer.from(source),
        helloTimeoutMs
      }).then(
        (h) => {
          h.kill()
          return new Error('accepted a hostile hello')
        },
        (e: unknown) => e
      )
      expect(err).toBeInstanceOf(SshError)
      expect(Date.now() - started).toBeLessThan(helloTimeoutMs + 5_000)
      return err as SshError
    }
    const w = (bytes: string): string =>
      `import os\nos.write(1, ${bytes})\nimport time\ntime.sleep(30)\n`

    it('a pickle naming os.system as its hello', async () => {
      const marker = `${lab.dir}/pwned`
      const e = await hostile(w(`b"cos\\nsystem\\n(S'touch ${marker}'\\ntR.<F2B_END_COMMAND>"`))
      expect(e.kind).toBe('helper-failed')
      expect(e.message).toMatch(/did not start the BanGUI helper/)
      expect(existsSync(marker)).toBe(false)
    })

    it('a valid pickle that is not the hello', async () => {
      const e = await hostile(
        w(`__import__("pickle").dumps((0, ["other", "1"]), 2) + b"<F2B_END_COMMAND>"`)
      )
      expect(e.message).toMatch(/not its hello/)
    })

    it('megabytes without an end marker', async () => {
      const e = await hostile(w('b"A" * (4 << 20)'))
      expect(e.message).toMatch(/oversized first frame/)
    })

    it('silence: the hello timeout ends the session', async () => {
      const e = await hostile('import time\ntime.sleep(60)\n', 1_500)
      expect(e.message).toMatch(/no answer from the helper within 2 s/)
    })
  })
})
