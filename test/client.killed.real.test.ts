/**
 * A real fail2ban-server killed with SIGKILL leaves its socket file behind: connects are then
 * refused (ECONNREFUSED), which the client retries with back-off before it reports a stale
 * socket. The timing is read from the client's own log entries.
 */
import { existsSync } from 'node:fs'
import { createConnection } from 'node:net'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { Fail2BanClient, Fail2BanConnectionError } from '../src/main/fail2ban/index.ts'
import { startTestServer, type TestServer } from './support/f2b-server.ts'
import { logRecorder } from './support/log-recorder.ts'

let server: TestServer
beforeAll(async () => {
  server = await startTestServer()
})
afterAll(async () => {
  await server?.stop()
})

/** The error code of a bare connect to `path`, or 'connected'. */
function connectCode(path: string): Promise<string> {
  return new Promise((resolve) => {
    const s = createConnection({ path })
    s.once('connect', () => {
      s.destroy()
      resolve('connected')
    })
    s.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'unknown'))
  })
}

it('ECONNREFUSED on a SIGKILLed server: 3 attempts, 150 ms then 300 ms back-off (±25 %)', async () => {
  const probe = new Fail2BanClient({ socketPath: server.socketPath })
  await expect(probe.send(['ping'])).resolves.toBe('pong')
  await probe.close()
  process.kill(server.pid, 'SIGKILL')
  const t0 = performance.now()
  while ((await connectCode(server.socketPath)) !== 'ECONNREFUSED') {
    if (performance.now() - t0 > 5000) throw new Error('the killed server still accepts connects')
    await new Promise((r) => setTimeout(r, 20))
  }
  expect(existsSync(server.socketPath)).toBe(true)

  const log = logRecorder()
  const client = new Fail2BanClient({
    socketPath: server.socketPath,
    timeoutMs: 5000,
    logger: log.logger
  })
  const err = await client.send(['ping']).catch((e: unknown) => e)
  await client.close()
  expect(err).toBeInstanceOf(Fail2BanConnectionError)
  expect(err).toMatchObject({ code: 'ECONNREFUSED' })
  expect((err as Error).message).toMatch(/stale socket/)

  const attempts = log.entries.filter((e) => e.msg === 'connecting')
  expect(attempts.map((e) => e.fields.attempt)).toEqual([1, 2, 3])
  const retries = log.entries.filter((e) => e.msg === 'connect failed, retrying')
  expect(retries.map((e) => [e.fields.code, e.fields.attempt])).toEqual([
    ['ECONNREFUSED', 1],
    ['ECONNREFUSED', 2]
  ])
  const planned = retries.map((e) => Number(e.fields.delayMs))
  expect(planned[0]).toBeGreaterThanOrEqual(112.5)
  expect(planned[0]).toBeLessThanOrEqual(187.5)
  expect(planned[1]).toBeGreaterThanOrEqual(225)
  expect(planned[1]).toBeLessThanOrEqual(375)
  // The attempts really were that far apart (timers never fire early; allow lateness).
  for (const i of [0, 1]) {
    const gap = attempts[i + 1]!.t - attempts[i]!.t
    expect(gap, `gap after attempt ${i + 1}`).toBeGreaterThanOrEqual(planned[i]! - 1)
    expect(gap, `gap after attempt ${i + 1}`).toBeLessThan(planned[i]! + 250)
  }
  const last = log.entries.at(-1)!
  expect(last).toMatchObject({ level: 'warn', msg: 'connection failed' })
  expect(last.fields).toMatchObject({ code: 'ECONNREFUSED', attempt: 3 })
})
