/**
 * Stream mode (the privileged helper's transport): one long-lived duplex, requests pipelined,
 * replies matched first in first out, abandoned replies dropped, no silent re-open. Against a
 * fake duplex (to hold replies back, end the stream, fail opens) and a real fail2ban socket
 * used as the stream.
 */
import { Duplex } from 'node:stream'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import {
  Fail2BanClient,
  Fail2BanTransportError,
  unixSocketConnector
} from '../src/main/fail2ban/index.ts'
import { decodeReply, encodeCommand } from '../src/main/fail2ban/pickle.ts'
import { startTestServer, type TestServer } from './support/f2b-server.ts'
import { END, framed } from './support/fake-server.ts'

const ok = (value: Parameters<typeof encodeCommand>[0][number]): Buffer =>
  framed(encodeCommand([0, value]))
const settle = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

/** A duplex standing in for the helper: records framed requests, replies when told. */
class FakeHelper {
  readonly requests: unknown[] = []
  readonly duplex: Duplex
  #buf = Buffer.alloc(0)
  constructor() {
    this.duplex = new Duplex({
      read: () => undefined,
      write: (chunk: Buffer, _enc, cb) => {
        this.#buf = Buffer.concat([this.#buf, chunk])
        for (let at = this.#buf.indexOf(END); at !== -1; at = this.#buf.indexOf(END)) {
          const req = this.#buf.subarray(0, at)
          this.#buf = this.#buf.subarray(at + END.length)
          if (req.toString('latin1') !== '<F2B_CLOSE_COMMAND>') this.requests.push(decodeReply(req))
        }
        cb()
      }
    })
  }
  reply(...data: Buffer[]): void {
    this.duplex.push(Buffer.concat(data))
  }
  /** The helper process exits: its stdout ends. */
  exit(): void {
    this.duplex.push(null)
  }
}

function streamClient(
  opts: { autoReopen?: boolean; reopenBackoffMs?: number; failOpens?: number } = {}
): { client: Fail2BanClient; helpers: FakeHelper[]; opens: () => number } {
  const helpers: FakeHelper[] = []
  let opens = 0
  const client = new Fail2BanClient({
    timeoutMs: 2000,
    stream: {
      description: 'the test helper',
      autoReopen: opts.autoReopen ?? false,
      reopenBackoffMs: opts.reopenBackoffMs ?? 200,
      open: async () => {
        opens++
        await settle(10)
        if (opens <= (opts.failOpens ?? 0))
          throw Object.assign(new Error('helper refused'), { code: 'EACCES' })
        const h = new FakeHelper()
        helpers.push(h)
        return h.duplex
      }
    }
  })
  return { client, helpers, opens: () => opens }
}

let current: Fail2BanClient | undefined
afterEach(async () => {
  await current?.close()
  current = undefined
})

describe('stream mode, fake helper', () => {
  it('opens once for concurrent first sends, pipelines requests, matches replies FIFO', async () => {
    const { client, helpers, opens } = streamClient()
    current = client
    const sends = [1, 2, 3, 4, 5].map((i) => client.send(['echo', `n${i}`]))
    while ((helpers[0]?.requests.length ?? 0) < 5) await settle(5)
    // All five were written before any reply: pipelined, not one at a time.
    expect(helpers[0]!.requests).toEqual([1, 2, 3, 4, 5].map((i) => ['echo', `n${i}`]))
    helpers[0]!.reply(...[1, 2, 3, 4, 5].map((i) => ok([`n${i}`])))
    await expect(Promise.all(sends)).resolves.toEqual([1, 2, 3, 4, 5].map((i) => [`n${i}`]))
    expect(opens()).toBe(1)
  })

  it('a timed-out or aborted command does not kill the stream; its late reply is dropped', async () => {
    const { client, helpers, opens } = streamClient()
    current = client
    const slow = client.send(['get', 'sshd', 'banip'], { timeoutMs: 50 }).catch((e: unknown) => e)
    const ac = new AbortController()
    const aborted = client.send(['status'], { signal: ac.signal }).catch((e: unknown) => e)
    while ((helpers[0]?.requests.length ?? 0) < 2) await settle(5)
    ac.abort()
    expect(await slow).toMatchObject({ code: 'ETIMEDOUT' })
    expect(await aborted).toMatchObject({ name: 'AbortError', sent: true })
    const next = client.send(['ping'])
    while (helpers[0]!.requests.length < 3) await settle(5)
    // The two late replies come first, split oddly, then the ping's.
    const all = Buffer.concat([ok(['192.0.2.1']), ok([]), ok('pong')])
    helpers[0]!.reply(all.subarray(0, 7))
    helpers[0]!.reply(all.subarray(7, all.length - 3))
    helpers[0]!.reply(all.subarray(all.length - 3))
    await expect(next).resolves.toBe('pong')
    expect(opens()).toBe(1)
  })

  it('stream death rejects every pending command with an error naming the transport', async () => {
    const { client, helpers } = streamClient()
    current = client
    const sends = [1, 2, 3].map(() => client.send(['ping']).catch((e: unknown) => e))
    while ((helpers[0]?.requests.length ?? 0) < 3) await settle(5)
    helpers[0]!.reply(ok('pong'))
    helpers[0]!.exit()
    const [a, b, c] = await Promise.all(sends)
    expect(a).toBe('pong')
    for (const e of [b, c]) {
      expect(e).toBeInstanceOf(Fail2BanTransportError)
      expect(e).toMatchObject({ code: 'ECLOSED' })
      expect((e as Error).message).toMatch(/the test helper ended/)
    }
  })

  it('without autoReopen it never re-opens on its own; reopen() allows one more open', async () => {
    const { client, helpers, opens } = streamClient({ autoReopen: false })
    current = client
    const first = client.send(['ping'])
    while ((helpers[0]?.requests.length ?? 0) < 1) await settle(5)
    helpers[0]!.reply(ok('pong'))
    await first
    helpers[0]!.exit()
    await settle(20)
    for (let i = 0; i < 3; i++) {
      const err = await client.send(['ping']).catch((e: unknown) => e)
      expect(err).toBeInstanceOf(Fail2BanTransportError)
      expect((err as Error).message).toMatch(/not restarted automatically.*Retry/)
    }
    expect(opens()).toBe(1)
    client.reopen()
    const again = client.send(['ping'])
    while ((helpers[1]?.requests.length ?? 0) < 1) await settle(5)
    helpers[1]!.reply(ok('pong'))
    await expect(again).resolves.toBe('pong')
    expect(opens()).toBe(2)
  })

  it('a failed open is not retried without autoReopen (no password prompt loop)', async () => {
    const { client, opens } = streamClient({ autoReopen: false, failOpens: 1 })
    current = client
    const err = await client.send(['ping']).catch((e: unknown) => e)
    expect(err).toMatchObject({ code: 'EACCES' })
    expect((err as Error).message).toMatch(/Cannot start the test helper: helper refused/)
    await expect(client.send(['ping'])).rejects.toMatchObject({ code: 'EACCES' })
    expect(opens()).toBe(1)
  })

  it('with autoReopen it re-opens after a failure, but only once the back-off has passed', async () => {
    const { client, helpers, opens } = streamClient({
      autoReopen: true,
      reopenBackoffMs: 150,
      failOpens: 1
    })
    current = client
    await expect(client.send(['ping'])).rejects.toMatchObject({ code: 'EACCES' })
    await expect(client.send(['ping'])).rejects.toMatchObject({ code: 'EACCES' })
    expect(opens()).toBe(1)
    await settle(200)
    const p = client.send(['ping'])
    while ((helpers[0]?.requests.length ?? 0) < 1) await settle(5)
    helpers[0]!.reply(ok('pong'))
    await expect(p).resolves.toBe('pong')
    expect(opens()).toBe(2)
  })

  it('bytes nobody asked for kill the stream (out of step)', async () => {
    const { client, helpers } = streamClient()
    current = client
    const p = client.send(['ping'])
    while ((helpers[0]?.requests.length ?? 0) < 1) await settle(5)
    helpers[0]!.reply(ok('pong'), ok('extra'))
    await expect(p).resolves.toBe('pong')
    await settle(10)
    await expect(client.send(['ping'])).rejects.toMatchObject({ code: 'EREOPEN' })
  })
})

describe('stream mode over a real fail2ban socket', () => {
  let server: TestServer
  beforeAll(async () => {
    server = await startTestServer()
  })
  afterAll(async () => {
    await server?.stop()
  })

  it('pipelines on one connection, drops the reply of a timed-out command, keeps the stream', async () => {
    let opens = 0
    const connect = unixSocketConnector(server.socketPath)
    const client = new Fail2BanClient({
      timeoutMs: 5000,
      stream: {
        description: `the socket ${server.socketPath} as a stream`,
        open: () => {
          opens++
          return connect()
        }
      }
    })
    current = client
    const values = Array.from({ length: 60 }, (_, i) => client.send(['echo', `v${i}`]))
    await expect(Promise.all(values)).resolves.toEqual(
      Array.from({ length: 60 }, (_, i) => [`v${i}`])
    )
    expect(client.peakInFlight).toBe(10)
    const t0 = performance.now()
    await expect(client.send(['sleep', 0.4], { timeoutMs: 100 })).rejects.toMatchObject({
      code: 'ETIMEDOUT'
    })
    expect(performance.now() - t0).toBeLessThan(350)
    // Queued behind the abandoned sleep: its reply comes first and must not be taken for ours.
    await expect(client.send(['echo', 'after'])).resolves.toEqual(['after'])
    await expect(client.send(['ping'])).resolves.toBe('pong')
    expect(opens).toBe(1)
  })
})
