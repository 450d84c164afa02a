/**
 * What the client re-sends and what it never re-sends, close(), aborts, deadlines that cover the
 * wait for a slot, and which connect errors are retried: against the scripted fake server (a
 * real fail2ban-server cannot read a command and then hang up on demand) and failing connectors.
 */
import { afterEach, describe, expect, it } from 'vitest'
import {
  Fail2BanAbortError,
  Fail2BanClient,
  Fail2BanClientClosedError,
  Fail2BanConnectionError,
  unixSocketConnector
} from '../src/main/fail2ban/index.ts'
import { decodeReply, encodeCommand } from '../src/main/fail2ban/pickle.ts'
import { logRecorder } from './support/log-recorder.ts'
import { framed, startFakeServer, type FakeReply, type FakeServer } from './support/fake-server.ts'

const ok = (value: Parameters<typeof encodeCommand>[0][number]): Buffer =>
  framed(encodeCommand([0, value]))
const PONG: FakeReply = { kind: 'bytes', data: ok('pong') }

let fake: FakeServer | undefined
let client: Fail2BanClient | undefined
afterEach(async () => {
  await client?.close()
  await fake?.close()
  client = fake = undefined
})

const commands = (f: FakeServer): unknown[] => f.requests.map((r) => decodeReply(r))
const errno = (code: string): Error => Object.assign(new Error(`connect ${code}`), { code })
const settle = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

describe('nothing runs twice', () => {
  it('re-sends a read-only command once when the reused connection was already closed (EPIPE)', async () => {
    // The server answers, then hangs up at once: the pooled connection is dead, but the client
    // has not read the EOF yet when the next command (same microtask chain) is written.
    fake = await startFakeServer(() => ({ kind: 'bytes-then-close', data: ok('pong') }))
    const log = logRecorder()
    client = new Fail2BanClient({ socketPath: fake.socketPath, logger: log.logger })
    await expect(client.send(['ping'])).resolves.toBe('pong')
    await expect(client.send(['ping'])).resolves.toBe('pong')
    expect(log.entries.map((e) => e.msg)).toContain(
      'reused connection was closed by the server before the request; resending'
    )
    expect(commands(fake)).toEqual([['ping'], ['ping']])
    expect(fake.connections).toBe(2)
  })

  it('never re-sends a write command, even when the server provably did not read it', async () => {
    fake = await startFakeServer(() => ({ kind: 'bytes-then-close', data: ok('pong') }))
    client = new Fail2BanClient({ socketPath: fake.socketPath })
    await expect(client.send(['ping'])).resolves.toBe('pong')
    const err = await client
      .send(['set', 'sshd', 'banip', '192.0.2.1'])
      .catch((e: unknown) => e as Fail2BanConnectionError)
    expect(err).toBeInstanceOf(Fail2BanConnectionError)
    expect(err).toMatchObject({ code: 'EPIPE' })
    await settle(100)
    expect(commands(fake)).toEqual([['ping']])
    expect(fake.connections).toBe(1)
  })

  it('a server that reads a write command and closes receives it exactly once', async () => {
    fake = await startFakeServer((_req, i) => (i === 0 ? PONG : { kind: 'close' }))
    client = new Fail2BanClient({ socketPath: fake.socketPath })
    await expect(client.send(['ping'])).resolves.toBe('pong')
    // On the reused connection: zero reply bytes, yet the server did read it.
    await expect(client.send(['set', 'sshd', 'unbanip', '192.0.2.7'])).rejects.toMatchObject({
      code: 'ECLOSED'
    })
    await settle(100)
    expect(commands(fake)).toEqual([['ping'], ['set', 'sshd', 'unbanip', '192.0.2.7']])
    expect(fake.connections).toBe(1)
  })

  it('a read-only command the server read before closing is not re-sent either', async () => {
    fake = await startFakeServer((_req, i) => (i === 0 ? PONG : { kind: 'close' }))
    client = new Fail2BanClient({ socketPath: fake.socketPath })
    await client.send(['ping'])
    await expect(client.send(['status'])).rejects.toMatchObject({ code: 'ECLOSED' })
    await settle(100)
    expect(commands(fake)).toEqual([['ping'], ['status']])
  })

  it('close() during a command rejects it, and nothing reconnects or re-sends after', async () => {
    fake = await startFakeServer((_req, i) => (i === 0 ? PONG : { kind: 'silent' }))
    client = new Fail2BanClient({ socketPath: fake.socketPath, maxInFlight: 1 })
    await client.send(['ping'])
    const running = client.send(['set', 'sshd', 'banip', '192.0.2.9']).catch((e: unknown) => e)
    const waiting = client.send(['status']).catch((e: unknown) => e)
    while (fake.requests.length < 2) await settle(5)
    await client.close()
    expect(await running).toBeInstanceOf(Fail2BanClientClosedError)
    expect(await waiting).toBeInstanceOf(Fail2BanClientClosedError)
    await expect(client.send(['ping'])).rejects.toBeInstanceOf(Fail2BanClientClosedError)
    await settle(200)
    expect(commands(fake)).toEqual([['ping'], ['set', 'sshd', 'banip', '192.0.2.9']])
    expect(fake.connections).toBe(1)
  })
})

describe('deadlines and aborts', () => {
  it('a 100 ms ping behind an unanswered command rejects in ~100 ms (the slot wait counts)', async () => {
    fake = await startFakeServer(() => ({ kind: 'silent' }))
    client = new Fail2BanClient({ socketPath: fake.socketPath, maxInFlight: 1, timeoutMs: 5000 })
    const stuck = client.send(['get', 'sshd', 'banip']).catch((e: unknown) => e)
    while (fake.requests.length < 1) await settle(5)
    const t0 = performance.now()
    const err = await client.send(['ping'], { timeoutMs: 100 }).catch((e: unknown) => e)
    const took = performance.now() - t0
    expect(err).toMatchObject({ code: 'ETIMEDOUT' })
    expect(took).toBeGreaterThanOrEqual(95)
    expect(took).toBeLessThan(600)
    const t1 = performance.now()
    await expect(client.ping(100)).resolves.toBe(false)
    expect(performance.now() - t1).toBeLessThan(600)
    // The waiters left the queue: only the stuck command was ever sent.
    expect(fake.requests).toHaveLength(1)
    await client.close()
    expect(await stuck).toBeInstanceOf(Fail2BanClientClosedError)
  })

  it('an AbortSignal ends a sent command at once, and one waiting for a slot unsent', async () => {
    fake = await startFakeServer((_req, i) => (i === 0 ? { kind: 'silent' } : PONG))
    client = new Fail2BanClient({ socketPath: fake.socketPath, maxInFlight: 1, timeoutMs: 5000 })
    const a = new AbortController()
    const b = new AbortController()
    const sent = client.send(['get', 'sshd', 'banip'], { signal: a.signal }).catch((e) => e)
    while (fake.requests.length < 1) await settle(5)
    const queued = client.send(['status'], { signal: b.signal }).catch((e: unknown) => e)
    await settle(20)
    b.abort()
    const q = await queued
    expect(q).toBeInstanceOf(Fail2BanAbortError)
    expect(q).toMatchObject({ sent: false })
    const t0 = performance.now()
    a.abort()
    const s = await sent
    expect(performance.now() - t0).toBeLessThan(100)
    expect(s).toBeInstanceOf(Fail2BanAbortError)
    expect(s).toMatchObject({ sent: true })
    // The aborted command's connection is gone; the client keeps working on a new one.
    await expect(client.send(['ping'])).resolves.toBe('pong')
    expect(commands(fake)).toEqual([['get', 'sshd', 'banip'], ['ping']])
  })

  it('a signal aborted before send sends nothing', async () => {
    fake = await startFakeServer(() => PONG)
    client = new Fail2BanClient({ socketPath: fake.socketPath })
    const err = await client
      .send(['ping'], { signal: AbortSignal.abort() })
      .catch((e: unknown) => e)
    expect(err).toBeInstanceOf(Fail2BanAbortError)
    expect(fake.connections).toBe(0)
  })
})

describe('connect retries', () => {
  it('retries ENOBUFS 3 times, then fails with a message about a full listen queue', async () => {
    let calls = 0
    client = new Fail2BanClient({
      socketPath: '/fake',
      connector: () => {
        calls++
        return Promise.reject(errno('ENOBUFS'))
      }
    })
    const err = await client.send(['ping']).catch((e: unknown) => e)
    expect(err).toMatchObject({ code: 'ENOBUFS' })
    expect((err as Error).message).toMatch(/listen queue is full/)
    expect(calls).toBe(3)
  })

  it('counts EAGAIN retries: two failures, then the third attempt connects', async () => {
    fake = await startFakeServer(() => PONG)
    const real = unixSocketConnector(fake.socketPath)
    const log = logRecorder()
    let calls = 0
    client = new Fail2BanClient({
      socketPath: fake.socketPath,
      logger: log.logger,
      connector: () => (++calls <= 2 ? Promise.reject(errno('EAGAIN')) : real())
    })
    await expect(client.send(['ping'])).resolves.toBe('pong')
    expect(calls).toBe(3)
    const retries = log.entries.filter((e) => e.msg === 'connect failed, retrying')
    expect(retries.map((e) => [e.fields.code, e.fields.attempt])).toEqual([
      ['EAGAIN', 1],
      ['EAGAIN', 2]
    ])
    expect(fake.connections).toBe(1)
  })

  it('does not retry a non-transient error (ENOENT, EACCES): one attempt', async () => {
    for (const code of ['ENOENT', 'EACCES']) {
      let calls = 0
      const c = new Fail2BanClient({
        socketPath: '/fake',
        connector: () => {
          calls++
          return Promise.reject(errno(code))
        }
      })
      await expect(c.send(['ping'])).rejects.toMatchObject({ code })
      expect(calls, code).toBe(1)
      await c.close()
    }
  })
})
