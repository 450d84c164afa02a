/**
 * The trust rule for the socket, the config dir and fail2ban-client (a socket someone else
 * controls made `fail2ban-client` unpickle their reply as root), checked before connecting and
 * before any child process is spawned.
 */
import {
  chmodSync,
  chownSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  symlinkSync,
  writeFileSync,
  existsSync
} from 'node:fs'
import net from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Fail2BanClient, Reloader } from '../src/main/fail2ban/index.ts'
import { assertTrustedPath, isTrustedPath } from '../src/main/fail2ban/trust.ts'
import { CLIENT_ENV } from '../src/main/fail2ban/reload.ts'
import { createAppServices } from '../src/main/services/app-services.ts'
import { startFakeServer, type FakeServer } from './support/fake-server.ts'

const isRoot = process.getuid?.() === 0
const NOBODY = 65534
let base: string

beforeAll(() => {
  base = mkdtempSync(join(tmpdir(), 'bangui-trust-')) // 0700, ours
})
afterAll(() => rmSync(base, { recursive: true, force: true }))

/** A listening Unix socket at `dir/name`; returns the path and a closer. */
async function listen(
  dir: string,
  name = 's.sock'
): Promise<{ path: string; close(): Promise<void>; connections: () => number }> {
  mkdirSync(dir, { recursive: true, mode: 0o700 })
  const path = join(dir, name)
  let n = 0
  const srv = net.createServer((s) => {
    n++
    s.destroy()
  })
  await new Promise<void>((r) => srv.listen(path, r))
  chmodSync(path, 0o700)
  return { path, connections: () => n, close: () => new Promise((r) => srv.close(() => r())) }
}

describe('assertTrustedPath', () => {
  it('accepts a socket in a private dir owned by this uid', async () => {
    const s = await listen(join(base, 'ok'))
    await expect(assertTrustedPath(s.path, 'socket')).resolves.toBe(s.path)
    await s.close()
  })

  it('refuses a socket whose dir is group- or other-writable', async () => {
    for (const mode of [0o770, 0o707, 0o777]) {
      const dir = join(base, `w${mode.toString(8)}`)
      const s = await listen(dir)
      chmodSync(dir, mode)
      await expect(assertTrustedPath(s.path, 'socket'), mode.toString(8)).rejects.toThrow(
        /Refusing the fail2ban socket .*writable by (others|its group)/
      )
      chmodSync(dir, 0o700)
      await s.close()
    }
  })

  it('refuses a group- or other-writable socket, config dir or binary', async () => {
    const s = await listen(join(base, 'sockmode'))
    chmodSync(s.path, 0o770)
    await expect(isTrustedPath(s.path, 'socket')).resolves.toBe(false)
    await s.close()
    const conf = join(base, 'conf')
    mkdirSync(conf, { mode: 0o755 })
    await expect(isTrustedPath(conf, 'directory')).resolves.toBe(true)
    chmodSync(conf, 0o775)
    await expect(assertTrustedPath(conf, 'directory')).rejects.toThrow(/configuration directory/)
    const bin = join(base, 'bin')
    writeFileSync(bin, '#!/bin/sh\n', { mode: 0o755 })
    await expect(isTrustedPath(bin, 'executable')).resolves.toBe(true)
    chmodSync(bin, 0o757)
    await expect(isTrustedPath(bin, 'executable')).resolves.toBe(false)
  })

  it('allows a sticky world-writable ancestor (/tmp) but not a sticky parent', async () => {
    // base sits in /tmp (1777): accepted above. A sticky parent dir is still refused.
    const dir = join(base, 'sticky')
    const s = await listen(dir)
    chmodSync(dir, 0o1777)
    await expect(isTrustedPath(s.path, 'socket')).resolves.toBe(false)
    chmodSync(dir, 0o700)
    await s.close()
  })

  it('checks the real path behind a symlink', async () => {
    const evil = join(base, 'evil')
    const s = await listen(evil)
    chmodSync(evil, 0o777)
    const link = join(base, 'link.sock')
    symlinkSync(s.path, link)
    await expect(assertTrustedPath(link, 'socket')).rejects.toThrow(/really .*evil/)
    chmodSync(evil, 0o700)
    await s.close()
  })

  it('reports a missing path with its errno and refuses relative paths', async () => {
    await expect(assertTrustedPath(join(base, 'none.sock'), 'socket')).rejects.toMatchObject({
      code: 'ENOENT'
    })
    await expect(assertTrustedPath('run/f.sock', 'socket')).rejects.toThrow(/absolute/)
  })

  it('refuses files and dirs owned by another uid (needs root to chown)', async (ctx) => {
    if (!isRoot) {
      console.log('skipped: chown to another uid needs root (CI runs as root)')
      ctx.skip()
    }
    const dir = join(base, 'foreign')
    const s = await listen(dir)
    chownSync(dir, NOBODY, NOBODY)
    await expect(assertTrustedPath(s.path, 'socket')).rejects.toThrow(/owned by uid 65534/)
    chownSync(dir, 0, 0)
    chownSync(s.path, NOBODY, NOBODY)
    await expect(assertTrustedPath(s.path, 'socket')).rejects.toThrow(/owned by uid 65534/)
    await s.close()
  })
})

describe('the connector refuses an untrusted socket before connecting', () => {
  let fake: FakeServer
  beforeAll(async () => {
    fake = await startFakeServer(() => ({ kind: 'silent' }))
  })
  afterAll(async () => fake?.close())

  it('no connection is made; the error says why', async () => {
    const dir = join(fake.socketPath, '..')
    chmodSync(dir, 0o777)
    const client = new Fail2BanClient({ socketPath: fake.socketPath, timeoutMs: 1000 })
    try {
      const err = await client.send(['ping']).catch((e: unknown) => e)
      expect(err).toMatchObject({ code: 'EUNTRUSTED' })
      expect(String((err as Error).message)).toMatch(/writable by others/)
      expect(fake.connections).toBe(0)
    } finally {
      chmodSync(dir, 0o700)
      await client.close()
    }
  })

  it('the connection state shows the reason, not a generic socket error', async () => {
    const dir = join(fake.socketPath, '..')
    chmodSync(dir, 0o770)
    const services = createAppServices({ socketPath: fake.socketPath, timeoutMs: 1000 })
    try {
      const state = await services.connection.check()
      expect(state.status).not.toBe('connected')
      expect(state.message).toMatch(/Refusing the fail2ban socket .* writable by its group/)
      expect(fake.connections).toBe(0)
    } finally {
      chmodSync(dir, 0o700)
      await services.dispose()
    }
  })
})

describe('fail2ban-client is run only under the trust rule', () => {
  let sock: Awaited<ReturnType<typeof listen>>
  let ran: string
  let wrapper: string
  beforeAll(async () => {
    sock = await listen(join(base, 'reload'))
    ran = join(base, 'ran.txt')
    wrapper = join(base, 'fake-client.sh')
    // Records that it ran and the environment it got.
    writeFileSync(wrapper, `#!/bin/sh\n/usr/bin/env > ${ran}\necho "$@" >> ${ran}\n`, {
      mode: 0o755
    })
  })
  afterAll(async () => sock?.close())
  const reloader = (o: { socketPath?: string; confDir?: string; clientPath?: string }) =>
    new Reloader({
      socketPath: o.socketPath ?? sock.path,
      ...(o.confDir ? { confDir: o.confDir } : {}),
      clientPath: o.clientPath ?? wrapper,
      runningJails: async () => []
    })

  it('runs a trusted binary with only the fixed environment', async () => {
    rmSync(ran, { force: true })
    process.env.PYTHONPATH = '/tmp/evil'
    try {
      await reloader({}).reload({ scope: { kind: 'include', jails: ['sshd'] } })
    } finally {
      delete process.env.PYTHONPATH
    }
    const lines = (await import('node:fs')).readFileSync(ran, 'utf8').trim().split('\n')
    const env = Object.fromEntries(
      lines.slice(0, -1).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)])
    )
    delete env.PWD // added by the shell itself
    delete env.SHLVL
    delete env._
    expect(env).toEqual(CLIENT_ENV)
    expect(lines.at(-1)).toBe(`-s ${sock.path} reload sshd`)
  })

  it('spawns nothing for an untrusted socket, config dir or binary', async () => {
    const bad = join(base, 'badconf')
    mkdirSync(bad, { mode: 0o777 })
    chmodSync(bad, 0o777)
    const badBin = join(base, 'bad-client.sh')
    writeFileSync(badBin, `#!/bin/sh\ntouch ${ran}\n`, { mode: 0o777 })
    chmodSync(badBin, 0o777)
    const open = join(base, 'open')
    const s2 = await listen(open)
    chmodSync(open, 0o777)
    for (const o of [{ confDir: bad }, { clientPath: badBin }, { socketPath: s2.path }]) {
      rmSync(ran, { force: true })
      await expect(
        reloader(o).reload({ scope: { kind: 'include', jails: ['sshd'] } }),
        JSON.stringify(o)
      ).rejects.toThrow(/not run: Refusing/)
      expect(existsSync(ran), JSON.stringify(o)).toBe(false)
    }
    await s2.close()
  })

  it('never looks fail2ban-client up on PATH', async () => {
    const binDir = join(base, 'pathbin')
    mkdirSync(binDir, { mode: 0o700 })
    writeFileSync(join(binDir, 'fail2ban-client'), `#!/bin/sh\ntouch ${ran}\n`, { mode: 0o755 })
    rmSync(ran, { force: true })
    const oldPath = process.env.PATH
    process.env.PATH = `${binDir}:${oldPath}`
    try {
      const r = new Reloader({ socketPath: sock.path, runningJails: async () => [] })
      await r.reload({ scope: { kind: 'include', jails: ['sshd'] } }).catch(() => undefined)
    } finally {
      process.env.PATH = oldPath
    }
    expect(existsSync(ran)).toBe(false)
  })
})

describe('the test harness satisfies the rule (not the other way round)', () => {
  it('the private server’s socket and config dir pass, whatever the umask', async () => {
    const { startTestServer } = await import('./support/f2b-server.ts')
    const old = process.umask(0o002) // a common desktop umask: group-writable by default
    let server: Awaited<ReturnType<typeof startTestServer>> | undefined
    try {
      server = await startTestServer()
    } finally {
      process.umask(old)
    }
    try {
      await expect(assertTrustedPath(server.socketPath, 'socket')).resolves.toBe(server.socketPath)
      await expect(assertTrustedPath(`${server.dir}/conf`, 'directory')).resolves.toBeTruthy()
    } finally {
      await server.stop()
    }
  })
})
