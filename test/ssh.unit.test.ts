/**
 * The SSH transport's pure parts: the profile grammar (nothing reaches ssh as an option), the
 * command line, the pushed-helper bootstrap (run for real by a local shell and python3), the
 * failure classifier on OpenSSH's and sudo's own messages, and the back-off policy.
 */
import { spawn } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { classifyExit, SshError } from '../src/main/ssh/failures.ts'
import { launchRemoteHelper } from '../src/main/ssh/launcher.ts'
import { parseServerProfile, parseTarget, SshProfileError } from '../src/main/ssh/profile.ts'
import { ReconnectPolicy } from '../src/main/ssh/reconnect.ts'
import { buildRemoteCommand, sudoersAdvice } from '../src/main/ssh/remote-command.ts'
import { sessionArgv, sshEnv } from '../src/main/ssh/ssh-command.ts'

const base = { name: 'web1', target: 'web1', become: 'root-login', helper: 'push' } as const

describe('SSH targets', () => {
  it.each([
    ['web1', { destination: 'web1', isAlias: true }],
    ['fw.example.org', { destination: 'fw.example.org', isAlias: true }],
    ['root@10.0.0.5', { destination: 'root@10.0.0.5', isAlias: false }],
    ['admin@host.example:2222', { destination: 'admin@host.example', port: 2222, isAlias: false }],
    ['root@[2001:db8::1]:22', { destination: 'root@2001:db8::1', port: 22, isAlias: false }],
    ['root@[::1]', { destination: 'root@::1', isAlias: false }]
  ])('accepts %s', (raw, want) => {
    expect(parseTarget(raw)).toEqual(want)
  })

  it.each([
    ['-oProxyCommand=touch /tmp/x', /starts with '-'/],
    ['-p', /starts with '-'/],
    ['host -oProxyCommand=x', /spaces or control/],
    ['host\nProxyCommand x', /spaces or control/],
    ['host\u0000', /spaces or control/],
    ['host\u0085', /spaces or control/],
    ['', /empty/],
    ['root@-oProxyCommand=x', /not a host name/],
    ['-root@host', /starts with '-'/],
    ['ro ot@host', /spaces/],
    ['root@host:0', /not a port/],
    ['root@host:65536', /not a port/],
    ['root@host:22x', /not a host name|not a port/],
    ['root@[::1', /closing/],
    ['root@[nothex]:22', /not an IPv6/],
    ['root@host%h', /not a host name/],
    ['web%d', /not a host alias/],
    ['.hidden', /not a host alias/],
    ['a@b@c', /not a host name/],
    ['x'.repeat(300), /longer than/]
  ])('refuses %j', (raw, why) => {
    expect(() => parseTarget(raw)).toThrow(why)
  })

  it('refuses bad profiles with the field named', () => {
    const bad: [Record<string, unknown>, string][] = [
      [{ ...base, become: 'su' }, 'become'],
      [{ ...base, helper: 'pip' }, 'helper'],
      [{ ...base, name: '' }, 'name'],
      [{ ...base, remoteSocket: 'relative.sock' }, 'remoteSocket'],
      [{ ...base, remoteSocket: '/run/fail2ban/x y.sock' }, 'remoteSocket'],
      [{ ...base, remoteSocket: "/run/x';touch /tmp/p;'" }, 'remoteSocket'],
      [{ ...base, remoteSocket: '/run/../etc/x.sock' }, 'remoteSocket'],
      [{ ...base, remoteConf: 'etc/fail2ban' }, 'remoteConf'],
      [{ ...base, remoteConf: "/etc/f2b';id;'" }, 'remoteConf'],
      [{ ...base, remoteConf: '/etc/../tmp' }, 'remoteConf'],
      [{ ...base, identityFile: '-oProxyCommand=x' }, 'identityFile'],
      [{ ...base, sshConfig: 'relative/config' }, 'sshConfig'],
      [{ ...base, extra: 1 }, 'profile'],
      [{ ...base, target: '-oX' }, 'target']
    ]
    for (const [p, field] of bad) {
      let err: unknown
      try {
        parseServerProfile(p)
      } catch (e) {
        err = e
      }
      expect(err, JSON.stringify(p)).toBeInstanceOf(SshProfileError)
      expect((err as SshProfileError).field).toBe(field)
    }
  })
})

describe('ssh command line', () => {
  it('puts every option before "--" and the target right after it', () => {
    const argv = sessionArgv(
      parseServerProfile({
        ...base,
        target: 'admin@h.example:2222',
        sshConfig: '/home/a/.ssh/cfg',
        identityFile: '/home/a/.ssh/id'
      }),
      'exec true'
    )
    const dd = argv.indexOf('--')
    expect(argv.slice(dd)).toEqual(['--', 'admin@h.example', 'exec true'])
    const opts = argv.slice(0, dd)
    expect(opts).toContain('-T')
    for (const o of [
      'BatchMode=yes',
      'StrictHostKeyChecking=yes',
      'ServerAliveInterval=15',
      'ServerAliveCountMax=3',
      'ControlMaster=no',
      'ForwardAgent=no'
    ]) {
      expect(opts[opts.indexOf(o) - 1]).toBe('-o')
    }
    expect(opts.join(' ')).toContain('-F /home/a/.ssh/cfg -i /home/a/.ssh/id -p 2222')
  })

  it('gives ssh a fixed environment: no LD_PRELOAD, no askpass, no PATH from outside', () => {
    const env = sshEnv({
      PATH: '/evil:/usr/bin',
      LD_PRELOAD: '/evil.so',
      SSH_ASKPASS: '/evil',
      SSH_AUTH_SOCK: '/run/user/1000/agent.sock',
      XDG_RUNTIME_DIR: 'relative'
    })
    expect(env.PATH).toBe('/usr/local/bin:/usr/bin:/bin')
    expect(env.LD_PRELOAD).toBeUndefined()
    expect(env.SSH_ASKPASS).toBeUndefined()
    expect(env.XDG_RUNTIME_DIR).toBeUndefined()
    expect(env.SSH_AUTH_SOCK).toBe('/run/user/1000/agent.sock')
    expect(env.LC_ALL).toBe('C')
  })
})

/** Runs a remote command with a local /bin/sh, as sshd would with the login shell. */
function runRemote(
  command: string,
  stdin: Buffer
): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn('/bin/sh', ['-c', command], { stdio: ['pipe', 'pipe', 'pipe'] })
    let out = ''
    let err = ''
    child.stdout.on('data', (d: Buffer) => (out += d.toString()))
    child.stderr.on('data', (d: Buffer) => (err += d.toString()))
    child.on('close', (code) => resolve({ code, out, err }))
    child.stdin.end(stdin)
  })
}

describe('pushed helper bootstrap', () => {
  const source = Buffer.from(
    'import os, sys\n' +
      "# a quote ' and a marker <F2B_END_COMMAND> in the source do not matter\n" +
      // raw fd reads, as the helper does: bytes a buffered bootstrap over-read would be lost
      'rest = b""\n' +
      'while True:\n' +
      '    c = os.read(0, 65536)\n' +
      '    if not c: break\n' +
      '    rest += c\n' +
      'print(repr(sys.argv), __name__, len(rest), rest[:5])\n'
  )

  it('reads exactly the source, then leaves the frames that follow to the helper', async () => {
    const profile = parseServerProfile({
      ...base,
      remoteSocket: '/run/f2b/x.sock',
      remoteConf: '/etc/f2b'
    })
    const { command, preamble } = buildRemoteCommand(profile, source)
    expect(command.startsWith("exec python3 -I -c '")).toBe(true)
    const r = await runRemote(command, Buffer.concat([preamble, Buffer.from('FRAME1FRAME2')]))
    expect(r.err).toBe('')
    expect(r.out.trim()).toBe(
      "['bangui-helper', '--stdio', '--socket', '/run/f2b/x.sock', '--conf', '/etc/f2b'] __main__ 12 b'FRAME'"
    )
  })

  it('refuses a truncated or altered source with a tagged message', async () => {
    const { command, preamble } = buildRemoteCommand(parseServerProfile(base), source)
    const short = await runRemote(command, preamble.subarray(0, 10))
    expect(short.code).not.toBe(0)
    expect(short.err).toMatch(/bangui-bootstrap: helper source truncated \(10 of \d+ bytes\)/)
    const altered = Buffer.from(preamble)
    altered[0] = 0x23
    const bad = await runRemote(command, altered)
    expect(bad.err).toMatch(/bangui-bootstrap: helper source corrupted/)
    expect(bad.out).toBe('')
  })

  it('uses sudo -n and an exact python path under sudo; the installed path in installed mode', () => {
    const sudo = buildRemoteCommand(parseServerProfile({ ...base, become: 'sudo' }), source)
    expect(sudo.command.startsWith("exec sudo -n -- /usr/bin/python3 -I -c '")).toBe(true)
    const inst = buildRemoteCommand(
      parseServerProfile({ ...base, become: 'sudo', helper: 'installed' }),
      undefined
    )
    expect(inst).toEqual({
      command: 'exec sudo -n -- /usr/lib/bangui/bangui-helper --stdio',
      preamble: Buffer.alloc(0)
    })
  })

  it('shows the sudoers line, and says plainly what the python3 rule grants', () => {
    const advice = sudoersAdvice(parseServerProfile({ ...base, become: 'sudo' }), 'alice')
    expect(advice).toContain('alice ALL=(root) NOPASSWD: /usr/bin/python3')
    expect(advice).toContain('as much as root itself')
    expect(advice).toContain('alice ALL=(root) NOPASSWD: /usr/lib/bangui/bangui-helper --stdio')
  })
})

describe('failure classification (OpenSSH 9 and sudo messages)', () => {
  const c = (stderr: string, code: number | null = 255, established = false) =>
    classifyExit('web1', { code, signal: null, stderr, established }, () => 'FIX')

  it('tells the states apart', () => {
    expect(c('ssh: connect to host 10.0.0.9 port 22: Connection refused\r\n').kind).toBe(
      'unreachable'
    )
    expect(c('ssh: Could not resolve hostname nope: Name or service not known').kind).toBe(
      'unreachable'
    )
    expect(c('root@127.0.0.1: Permission denied (publickey).').kind).toBe('auth-failed')
    const unknown = c(
      'No ED25519 host key is known for [127.0.0.1]:2222 and you have requested strict checking.\nHost key verification failed.'
    )
    expect(unknown.kind).toBe('host-key-unknown')
    expect(unknown.message).toContain('the host key of [127.0.0.1]:2222 is not in known_hosts')
    const sudo = c('sudo: a password is required\n', 1)
    expect(sudo.kind).toBe('sudo-password')
    expect(sudo.fix).toBe('FIX')
    expect(c('sh: 1: exec: python3: not found\n', 127).kind).toBe('python-missing')
    expect(c('sudo: /usr/bin/python3: command not found\n', 1).kind).toBe('python-missing')
    expect(
      c(
        "bangui-helper: refusing to start: [Errno 2] No such file or directory: '/run/fail2ban/fail2ban.sock'\n",
        2
      ).kind
    ).toBe('fail2ban-not-running')
    expect(c('Connection to 127.0.0.1 closed by remote host.\r\n', 255, true).kind).toBe(
      'session-dropped'
    )
    expect(c('', 137, true).kind).toBe('helper-failed')
  })

  it('keeps remote control characters and floods out of messages', () => {
    const e = c(
      `ssh: connect to host x port 22: Connection refused \u001b[2J\u202egotcha\u0007 ${'x'.repeat(5000)}`
    )
    expect(e.kind).toBe('unreachable')
    const unsafe = [...e.message].filter((ch) => {
      const n = ch.codePointAt(0)!
      return n < 0x20 || (n >= 0x7f && n <= 0x9f) || (n >= 0x202a && n <= 0x202e) || n >= 0x2066
    })
    expect(unsafe).toEqual([])
    expect(e.message).toContain('[2Jgotcha')
    expect(e.message.length).toBeLessThan(500)
  })

  it('names the offending known_hosts line and the new fingerprint of a changed key', () => {
    const e = c(`@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@
@    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @
@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@
IT IS POSSIBLE THAT SOMEONE IS DOING SOMETHING NASTY!
Someone could be eavesdropping on you right now (man-in-the-middle attack)!
It is also possible that a host key has just been changed.
The fingerprint for the ED25519 key sent by the remote host is
SHA256:4srYeapFAcXftt8lcEfb7C+6HmBUG3Onr04he1RHx/c.
Please contact your system administrator.
Add correct host key in /home/a/.ssh/known_hosts to get rid of this message.
Offending ED25519 key in /home/a/.ssh/known_hosts:7
  remove with:
  ssh-keygen -f "/home/a/.ssh/known_hosts" -R "[127.0.0.1]:2222"
Host key for [127.0.0.1]:2222 has changed and you have requested strict checking.
Host key verification failed.`)
    expect(e.kind).toBe('host-key-changed')
    expect(e.hostKey).toEqual({
      offendingFile: '/home/a/.ssh/known_hosts',
      offendingLine: 7,
      keyType: 'ED25519',
      fingerprint: 'SHA256:4srYeapFAcXftt8lcEfb7C+6HmBUG3Onr04he1RHx/c'
    })
    expect(e.message).toContain('REMOTE HOST IDENTIFICATION HAS CHANGED')
    expect(e.message).toContain('Offending key in /home/a/.ssh/known_hosts:7')
    expect(e.message).toContain('Nothing was sent')
  })
})

describe('launcher without an ssh client', () => {
  it('says which program is missing and what to install', async () => {
    const err = await launchRemoteHelper(parseServerProfile(base), {
      helperSource: Buffer.from('pass'),
      sshBin: '/nonexistent/ssh'
    }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(SshError)
    expect((err as SshError).message).toBe(
      'web1: the OpenSSH client (/nonexistent/ssh) is not installed on this machine: install openssh-client.'
    )
  })
})

describe('reconnect policy', () => {
  it('backs off exponentially up to the ceiling, and never retries what needs the admin', () => {
    const p = new ReconnectPolicy({ baseMs: 100, maxMs: 1_000, jitter: 0 })
    expect([0, 1, 2, 3, 4, 10].map((n) => p.delay('session-dropped', n))).toEqual([
      100, 200, 400, 800, 1_000, 1_000
    ])
    expect(p.delay('unreachable', 0)).toBe(100)
    expect(p.delay('fail2ban-not-running', 0)).toBe(100)
    for (const k of [
      'auth-failed',
      'host-key-unknown',
      'host-key-changed',
      'sudo-password',
      'python-missing',
      'helper-missing',
      'helper-failed'
    ] as const) {
      expect(p.delay(k, 0)).toBeUndefined()
    }
  })

  it('spreads retries with jitter inside the bounds', () => {
    const lo = new ReconnectPolicy({ baseMs: 1_000, jitter: 0.5, random: () => 0 })
    const hi = new ReconnectPolicy({ baseMs: 1_000, jitter: 0.5, random: () => 1 })
    expect(lo.delay('unreachable', 0)).toBe(500)
    expect(hi.delay('unreachable', 0)).toBe(1_500)
  })
})
