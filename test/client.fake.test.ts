/**
 * The client against a scripted fake server: what a real fail2ban-server cannot do on demand.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import net from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import {
  Fail2BanArgumentError,
  Fail2BanClient,
  Fail2BanCommandError,
  Fail2BanConnectionError,
  Fail2BanProtocolError
} from '../src/main/fail2ban/index.ts'
import { decodeReply, encodeCommand } from '../src/main/fail2ban/pickle.ts'
import { END, framed, startFakeServer, type FakeServer } from './support/fake-server.ts'

const fixture = (name: string): Buffer =>
  readFileSync(new URL(`./fixtures/pickle/${name}.pickle`, import.meta.url))
const ok = (value: Parameters<typeof encodeCommand>[0][number]): Buffer =>
  framed(encodeCommand([0, value]))

let fake: FakeServer | undefined
let client: Fail2BanClient | undefined
afterEach(async () => {
  await client?.close()
  await fake?.close()
  client = fake = undefined
})

async function setup(
  respond: Parameters<typeof startFakeServer>[0],
  opts: Partial<ConstructorParameters<typeof Fail2BanClient>[0]> = {}
): Promise<{ fake: FakeServer; client: Fail2BanClient }> {
  fake = await startFakeServer(respond)
  client = new Fail2BanClient({ socketPath: fake.socketPath, timeoutMs: 1000, ...opts })
  return { fake, client }
}

describe('replies', () => {
  it('resolves the value of a (0, value) reply and sends a decodable request', async () => {
    const { fake, client } = await setup(() => ({
      kind: 'bytes',
      data: framed(fixture('00-ping'))
    }))
    await expect(client.send(['ping'])).resolves.toBe('pong')
    expect(decodeReply(fake.requests[0]!)).toEqual(['ping'])
  })

  it('maps (1, exception) to Fail2BanCommandError with class and message', async () => {
    const { client } = await setup(() => ({
      kind: 'bytes',
      data: framed(fixture('71-err-unknown-jail-get'))
    }))
    const err = await client.send(['get', 'nosuchjail', 'bantime']).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(Fail2BanCommandError)
    expect(err).toMatchObject({
      className: 'fail2ban.exceptions.UnknownJailException',
      message: 'nosuchjail'
    })
  })

  it('maps a bare ERROR string to Fail2BanCommandError', async () => {
    const { client } = await setup(() => ({
      kind: 'bytes',
      data: framed(bareString('ERROR: pickle data was truncated'))
    }))
    const err = await client.send(['ping']).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(Fail2BanCommandError)
    expect(err).toMatchObject({ className: 'ERROR', message: 'pickle data was truncated' })
  })

  it('rejects garbage with Fail2BanProtocolError', async () => {
    const { client } = await setup(() => ({
      kind: 'bytes',
      data: framed(Buffer.from('this is not a pickle'))
    }))
    await expect(client.send(['ping'])).rejects.toBeInstanceOf(Fail2BanProtocolError)
  })

  it('rejects an unexpected shape with Fail2BanProtocolError', async () => {
    const { client } = await setup(() => ({
      kind: 'bytes',
      data: framed(encodeCommand([7, 8, 9]))
    }))
    await expect(client.send(['ping'])).rejects.toThrow(/unexpected reply shape/)
  })

  it('reads a reply split into 1-byte chunks, marker split across reads', async () => {
    const { client } = await setup(() => ({
      kind: 'bytes',
      data: ok(['a', 'b', 'c']),
      chunkSize: 1
    }))
    await expect(client.send(['echo', 'a', 'b', 'c'])).resolves.toEqual(['a', 'b', 'c'])
  })

  it('keeps reading when the end marker appears inside the payload', async () => {
    // A reply whose string ends with the marker: the first marker match is inside the pickle.
    const tricky = ok('x<F2B_END_COMMAND>')
    const at = tricky.indexOf(END) + END.length
    const { client } = await setup(() => ({ kind: 'bytes', data: tricky, chunkSize: at }))
    await expect(client.send(['echo', 'x'])).resolves.toBe('x<F2B_END_COMMAND>')
  })

  it('fails cleanly on a reply larger than the cap, and the client stays usable', async () => {
    let n = 0
    const big = ok('y'.repeat(300_000))
    const { client } = await setup(
      () =>
        n++ === 0
          ? { kind: 'bytes', data: big, chunkSize: 65536 }
          : { kind: 'bytes', data: ok('pong') },
      { maxReplyBytes: 100_000 }
    )
    const err = await client.send(['echo']).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(Fail2BanProtocolError)
    expect((err as Error).message).toMatch(/size limit of 97\.7 KiB/)
    await expect(client.send(['ping'])).resolves.toBe('pong')
  })
})

describe('connection failures', () => {
  it('times out when the server never answers', async () => {
    const { client } = await setup(() => ({ kind: 'silent' }), { timeoutMs: 200 })
    const started = Date.now()
    const err = await client.send(['ping']).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(Fail2BanConnectionError)
    expect(err).toMatchObject({ code: 'ETIMEDOUT' })
    expect(Date.now() - started).toBeGreaterThanOrEqual(190)
  })

  it('reports a connection closed mid-reply', async () => {
    const partial = ok('z'.repeat(1000)).subarray(0, 500)
    const { client } = await setup(() => ({ kind: 'partial-then-close', data: partial }))
    const err = await client.send(['ping']).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(Fail2BanConnectionError)
    expect((err as Error).message).toMatch(/middle of a reply \(500 bytes/)
  })

  it('reports a connection closed before any reply', async () => {
    const { client } = await setup(() => ({ kind: 'close' }))
    await expect(client.send(['ping'])).rejects.toMatchObject({ code: 'ECLOSED' })
  })

  it('fails at once with ENOENT and a message saying what to do', async () => {
    client = new Fail2BanClient({ socketPath: '/nonexistent/dir/f2b.sock' })
    const started = Date.now()
    const err = await client.send(['ping']).catch((e: unknown) => e)
    expect(err).toMatchObject({ code: 'ENOENT', socketPath: '/nonexistent/dir/f2b.sock' })
    expect((err as Error).message).toMatch(/not running.*socket path/)
    expect(Date.now() - started).toBeLessThan(100)
    await expect(client.ping()).resolves.toBe(false)
  })

  it('retries EAGAIN 3 times with 150 ms doubling back-off, then fails', async () => {
    let calls = 0
    const times: number[] = []
    client = new Fail2BanClient({
      socketPath: '/fake',
      connector: () => {
        calls++
        times.push(Date.now())
        return Promise.reject(Object.assign(new Error('connect EAGAIN'), { code: 'EAGAIN' }))
      }
    })
    await expect(client.send(['ping'])).rejects.toMatchObject({ code: 'EAGAIN' })
    expect(calls).toBe(3)
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(110) // 150 ms ± 25 % jitter
    expect(times[2]! - times[1]!).toBeGreaterThanOrEqual(220) // 300 ms ± 25 %
  })

  it('does not retry EACCES', async () => {
    let calls = 0
    client = new Fail2BanClient({
      socketPath: '/fake',
      connector: () => {
        calls++
        return Promise.reject(Object.assign(new Error('connect EACCES'), { code: 'EACCES' }))
      }
    })
    const err = await client.send(['ping']).catch((e: unknown) => e)
    expect(err).toMatchObject({ code: 'EACCES' })
    expect((err as Error).message).toMatch(/root-only/)
    expect(calls).toBe(1)
  })
})

describe('arguments and limits', () => {
  it('refuses the end and close markers before connecting', async () => {
    const { fake, client } = await setup(() => ({ kind: 'bytes', data: ok('pong') }))
    await expect(
      client.send(['set', 'sshd', 'banip', 'a<F2B_END_COMMAND>b'])
    ).rejects.toBeInstanceOf(Fail2BanArgumentError)
    await expect(client.send(['echo', ['x', '<F2B_CLOSE_COMMAND>']])).rejects.toBeInstanceOf(
      Fail2BanArgumentError
    )
    expect(fake.connections).toBe(0)
  })

  it('keeps at most maxInFlight commands in flight and reuses connections', async () => {
    let inFlight = 0
    let peak = 0
    // Answer each request after a short delay, tracking concurrency on the server side.
    const dir = mkdtempSync(join(tmpdir(), 'bangui-conc-'))
    const server = net.createServer((sock) => {
      sock.on('data', (chunk) => {
        if (chunk.includes('<F2B_CLOSE_COMMAND>')) return
        inFlight++
        peak = Math.max(peak, inFlight)
        setTimeout(() => {
          inFlight--
          sock.write(ok('pong'))
        }, 5)
      })
    })
    const path = join(dir, 'conc.sock')
    await new Promise<void>((r) => server.listen(path, r))
    let connections = 0
    server.on('connection', () => connections++)
    client = new Fail2BanClient({ socketPath: path, maxInFlight: 4 })
    const results = await Promise.all(Array.from({ length: 40 }, () => client!.send(['ping'])))
    expect(results.every((r) => r === 'pong')).toBe(true)
    expect(peak).toBeLessThanOrEqual(4)
    expect(client.peakInFlight).toBe(4)
    expect(connections).toBeLessThanOrEqual(4)
    await client.close()
    await new Promise<void>((r) => server.close(() => r()))
    rmSync(dir, { recursive: true, force: true })
  })
})

/** A protocol-2 pickle of a bare str, as the server sends for undecodable requests. */
function bareString(s: string): Buffer {
  const utf8 = Buffer.from(s, 'utf8')
  const len = Buffer.alloc(4)
  len.writeUInt32LE(utf8.length)
  return Buffer.concat([Buffer.from([0x80, 0x02, 0x58]), len, utf8, Buffer.from('.')])
}
