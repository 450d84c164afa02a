// The fail2ban test harness itself: one real server, driven through its whole life.
import { existsSync, readFileSync } from 'node:fs'
import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import {
  f2bAvailable,
  fail2banClient,
  startTestServer,
  type TestServer
} from './support/f2b-server.ts'

/** Polls `fn` until it returns true or `ms` pass. */
async function eventually(fn: () => Promise<boolean>, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms
  while (Date.now() < deadline) {
    if (await fn()) return true
    await new Promise((r) => setTimeout(r, 100))
  }
  return fn()
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

const bannedIn = async (s: TestServer, jail: string, ip: string): Promise<boolean> =>
  (await fail2banClient(s.socketPath, ['status', jail])).includes(ip)

// Without fail2ban a local run skips; in CI (where `npm test` installs it) a missing server fails.
describe.skipIf(!f2bAvailable() && !process.env.CI)('fail2ban test server harness', () => {
  let server: TestServer
  const ip = '203.0.113.9'

  beforeAll(async () => {
    server = await startTestServer()
  })
  afterAll(async () => {
    await server?.stop()
  })

  it('starts with every configured jail listed', async () => {
    expect(server.jails).toEqual(['bulk', 'sshd', 'webapp'])
    expect(alive(server.pid)).toBe(true)
    expect(await fail2banClient(server.socketPath, ['status'])).toContain('bulk, sshd, webapp')
  })

  it('turns appended failure lines into a ban within 5 s', async () => {
    await server.appendFailures('webapp', ip, 2)
    expect(await eventually(() => bannedIn(server, 'webapp', ip), 5_000)).toBe(true)
    expect(readFileSync(server.actionsFile('webapp'), 'utf8')).toContain(`+${ip}`)
  })

  it('keeps bans across a restart', async () => {
    const before = server.pid
    await server.restart()
    expect(server.pid).not.toBe(before)
    expect(alive(before)).toBe(false)
    expect(await bannedIn(server, 'webapp', ip)).toBe(true)
  })

  it('stops without leaving a process, socket or dir behind', async () => {
    const { pid, socketPath, dir } = server
    await server.stop()
    expect(alive(pid)).toBe(false)
    expect(existsSync(socketPath)).toBe(false)
    expect(existsSync(dir)).toBe(process.env.KEEP_F2B_DIR ? true : false)
    await server.stop() // idempotent
  })

  it('starts afresh on the same paths after stop (the bans went with the dir)', async () => {
    await server.restart()
    expect(alive(server.pid)).toBe(true)
    expect(await bannedIn(server, 'webapp', ip)).toBe(false)
  })
})
