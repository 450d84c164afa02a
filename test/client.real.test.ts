/**
 * Fail2BanClient against a private real fail2ban-server: connection handling, concurrency,
 * timeouts, errors, restarts.
 */
import { spawn, spawnSync } from 'node:child_process'
import { chmodSync, copyFileSync, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'rolldown'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  Fail2BanClient,
  Fail2BanCommandError,
  Fail2BanConnectionError
} from '../src/main/fail2ban/index.ts'
import { startTestServer, type TestServer } from './support/f2b-server.ts'

let server: TestServer
let client: Fail2BanClient

beforeAll(async () => {
  server = await startTestServer()
  client = new Fail2BanClient({ socketPath: server.socketPath })
})
afterAll(async () => {
  await client?.close()
  await server?.stop()
})

describe('Fail2BanClient on a real server', () => {
  it('pings, and sends values of every encodable type through echo', async () => {
    await expect(client.ping()).resolves.toBe(true)
    // -2**31 - 1 comes back as LONG1 (signed, little-endian), which the decoder must read as signed.
    const values = [
      'ü€😀',
      '',
      0,
      -1,
      -(2 ** 31) - 1,
      2 ** 31,
      2 ** 40,
      1.5,
      true,
      false,
      null,
      ['a', [1, 2]]
    ]
    await expect(client.send(['echo', ...values])).resolves.toEqual(values)
  })

  it('returns IPs as plain strings (the server pickles them as builtins.str calls)', async () => {
    await client.send(['set', 'bulk', 'banip', '192.0.2.10'])
    const status = await client.send(['status', 'bulk'])
    expect(JSON.stringify(status)).toContain('"192.0.2.10"')
    expect(structuredClone(status)).toEqual(status)
  })

  it('maps server exceptions to Fail2BanCommandError', async () => {
    const err = await client.send(['get', 'nosuchjail', 'bantime']).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(Fail2BanCommandError)
    expect(err).toMatchObject({
      className: 'fail2ban.exceptions.UnknownJailException',
      message: 'nosuchjail'
    })
    await expect(client.send(['frobnicate'])).rejects.toMatchObject({
      className: 'builtins.Exception',
      message: 'Invalid command'
    })
  })

  it('runs 200 concurrent sends, all successful, at most 10 in flight', async () => {
    const fresh = new Fail2BanClient({ socketPath: server.socketPath })
    try {
      const results = await Promise.all(
        Array.from({ length: 200 }, (_, i) => fresh.send(['echo', `n${i}`]))
      )
      expect(results).toEqual(Array.from({ length: 200 }, (_, i) => [`n${i}`]))
      expect(fresh.peakInFlight).toBe(10)
    } finally {
      await fresh.close()
    }
  })

  it('200 concurrent sends also succeed without connection reuse (EAGAIN retried)', async () => {
    const fresh = new Fail2BanClient({ socketPath: server.socketPath, reuseConnections: false })
    try {
      const results = await Promise.all(Array.from({ length: 200 }, () => fresh.send(['ping'])))
      expect(results.filter((r) => r === 'pong')).toHaveLength(200)
    } finally {
      await fresh.close()
    }
  })

  it('times out on a busy server (the server-side `sleep` command) and recovers', async () => {
    const err = await client.send(['sleep', 1.5], { timeoutMs: 300 }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(Fail2BanConnectionError)
    expect(err).toMatchObject({ code: 'ETIMEDOUT' })
    // The server is single-threaded: the next command waits for the sleep to end, then works.
    await expect(client.send(['ping'], { timeoutMs: 5000 })).resolves.toBe('pong')
  })

  it('survives a server restart between commands (stale pooled connections are replaced)', async () => {
    await expect(client.send(['ping'])).resolves.toBe('pong')
    await server.restart()
    await expect(client.send(['ping'])).resolves.toBe('pong')
    await expect(client.send(['status', 'bulk', 'short'])).resolves.toBeInstanceOf(Array)
  })

  it('reports a stopped server as ECONNREFUSED or ENOENT, then works again once it is back', async () => {
    const c = new Fail2BanClient({ socketPath: server.socketPath, timeoutMs: 3000 })
    await server.stop()
    const err = await c.send(['ping']).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(Fail2BanConnectionError)
    expect(['ENOENT', 'ECONNREFUSED']).toContain((err as Fail2BanConnectionError).code)
    server = await startTestServerAt(server)
    await expect(c.send(['ping'])).resolves.toBe('pong')
    await c.close()
  })

  it('reports EACCES to a non-root user with a message about root-only sockets', async (ctx) => {
    if (process.getuid?.() !== 0) {
      console.log('skipped: needs root to run the probe as user nobody (65534)')
      ctx.skip()
    }
    // The probe runs as nobody, who may not be able to read this checkout (a clone under /root
    // or a 0700 temp dir): bundle it, and use a node binary nobody can execute, in a temp dir
    // whose every parent nobody can traverse.
    const probe = await bundleProbeForNobody()
    const out = await new Promise<string>((resolve, reject) => {
      const child = spawn(probe.node, [probe.script, server.socketPath], {
        uid: NOBODY,
        gid: NOBODY,
        cwd: probe.dir
      })
      let text = ''
      child.stdout.on('data', (d: Buffer) => (text += d.toString()))
      child.stderr.on('data', (d: Buffer) => (text += d.toString()))
      child.on('error', reject)
      child.on('close', () => resolve(text))
    }).finally(() => rmSync(probe.dir, { recursive: true, force: true }))
    const result = JSON.parse(out.trim().split('\n').pop()!) as { code: string; message: string }
    expect(result.code).toBe('EACCES')
    expect(result.message).toMatch(/root-only/)
  })
})

const NOBODY = 65534

/** True when user nobody can traverse every directory above `path` (and `path` itself). */
function nobodyCanReach(path: string): boolean {
  for (let p = resolve(path); ; p = dirname(p)) {
    if ((statSync(p).mode & 0o001) === 0) return false
    if (p === dirname(p)) return true
  }
}

/** Runs `file -e 0` as nobody: can nobody execute this node binary? */
function nobodyCanRun(file: string): boolean {
  return spawnSync(file, ['-e', '0'], { uid: NOBODY, gid: NOBODY }).status === 0
}

/** The probe bundled into one file in a temp dir nobody can reach, plus a node it can run. */
async function bundleProbeForNobody(): Promise<{ dir: string; script: string; node: string }> {
  const base = [tmpdir(), '/tmp', '/var/tmp', '/dev/shm'].find(
    (d) => existsSync(d) && nobodyCanReach(d)
  )
  if (!base) throw new Error('no temp dir that user nobody can traverse')
  const dir = mkdtempSync(join(base, 'bangui-eacces-'))
  chmodSync(dir, 0o755)
  const script = join(dir, 'eacces-probe.mjs')
  await build({
    input: fileURLToPath(new URL('./support/eacces-probe.ts', import.meta.url)),
    platform: 'node',
    logLevel: 'silent',
    output: { file: script, format: 'esm' }
  })
  chmodSync(script, 0o644)
  let node = [process.execPath, '/usr/bin/node'].find((f) => existsSync(f) && nobodyCanRun(f))
  if (!node) {
    node = join(dir, 'node')
    copyFileSync(process.execPath, node)
    chmodSync(node, 0o755)
  }
  return { dir, script, node }
}

/** Restarts on the same dir and socket (the test server object keeps its paths). */
async function startTestServerAt(s: TestServer): Promise<TestServer> {
  await s.restart()
  return s
}
