/**
 * The main-process file logger (pino + pino-roll) in plain Node: JSON lines with level and
 * time, the Logger interface's fields merged in, size rotation into numbered files.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createFileLogger } from '../src/main/logging.ts'

let dir: string
beforeEach(() => {
  dir = join(mkdtempSync(join(tmpdir(), 'bangui-log-')), 'logs') // created by the logger
})
afterEach(() => rmSync(join(dir, '..'), { recursive: true, force: true }))

const lines = (file: string) =>
  readFileSync(join(dir, file), 'utf8')
    .trimEnd()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>)

const tick = () => new Promise((r) => setTimeout(r, 2))

describe('file logger', () => {
  it('writes one JSON object per line, at or above its level', async () => {
    const log = createFileLogger(dir, { level: 'info', console: false })
    log.debug('not written')
    log.info('connected to fail2ban', { socketPath: '/run/fail2ban/fail2ban.sock' })
    log.warn('blocked', { what: 'will-navigate', url: 'https://evil.example/' })
    log.error('plain')
    await log.close()
    expect(readdirSync(dir)).toEqual(['main.1.log'])
    const got = lines('main.1.log')
    expect(got.map((l) => [l.level, l.msg])).toEqual([
      ['info', 'connected to fail2ban'],
      ['warn', 'blocked'],
      ['error', 'plain']
    ])
    expect(got[0]).toMatchObject({ pid: process.pid, socketPath: '/run/fail2ban/fail2ban.sock' })
    expect(got[1]).toMatchObject({ what: 'will-navigate', url: 'https://evil.example/' })
    expect(Date.parse(String(got[0]!.time))).toBeGreaterThan(Date.now() - 60_000)
  })

  it('rotates at a small size into numbered files and keeps only the newest', async () => {
    const log = createFileLogger(dir, { maxBytes: 1024, keep: 3 })
    for (let i = 0; i < 60; i++) {
      log.info('line', { i, pad: 'x'.repeat(100) })
      await tick() // rotation happens between writes (pino-roll rolls on drain)
    }
    await log.close()
    const files = readdirSync(dir).sort((a, b) => num(a) - num(b))
    expect(files.length).toBe(4) // the current file and 3 rotated ones
    for (const f of files) {
      expect(f).toMatch(/^main\.\d+\.log$/)
      expect(statSync(join(dir, f)).size).toBeLessThan(1024 + 300) // one line past the limit at most
    }
    // the newest lines are all there, in order, each a complete JSON object
    const kept = files.flatMap((f) => lines(f).map((l) => l.i as number))
    expect(kept.at(-1)).toBe(59)
    expect(kept).toEqual(Array.from({ length: kept.length }, (_, k) => 60 - kept.length + k))
    expect(num(files.at(-1)!)).toBeGreaterThan(4)
  })

  it('lines logged before the file is open are not lost; flush waits for the disk', async () => {
    const log = createFileLogger(dir)
    for (let i = 0; i < 100; i++) log.info('early', { i })
    await log.flush()
    expect(lines('main.1.log')).toHaveLength(100)
    await log.close()
    log.info('after close') // dropped, no throw
  })

  it('continues numbering after a restart instead of overwriting', async () => {
    const a = createFileLogger(dir, { maxBytes: 200 })
    for (let i = 0; i < 5; i++) {
      a.info('first run', { i })
      await tick()
    }
    await a.close()
    const before = readdirSync(dir).length
    const b = createFileLogger(dir, { maxBytes: 200 })
    b.info('second run')
    await b.close()
    const all = readdirSync(dir).flatMap((f) => lines(f))
    expect(all.filter((l) => l.msg === 'first run')).toHaveLength(5)
    expect(all.filter((l) => l.msg === 'second run')).toHaveLength(1)
    expect(readdirSync(dir).length).toBeGreaterThanOrEqual(before)
  })
})

function num(file: string): number {
  return Number(/\.(\d+)\.log$/.exec(file)?.[1] ?? -1)
}

describe('log file permissions', () => {
  it('creates the directory 0700 and the files 0600, and narrows older ones', async () => {
    const log = createFileLogger(dir, { level: 'info', console: false, maxBytes: 200, keep: 3 })
    for (let i = 0; i < 20; i++) {
      log.info('line', { socketPath: '/run/fail2ban/fail2ban.sock', i })
      await tick() // rotation happens between writes (pino-roll rolls on drain)
    }
    await log.close()
    expect(statSync(dir).mode & 0o777).toBe(0o700)
    const files = readdirSync(dir)
    expect(files.length).toBeGreaterThan(1) // rotated files too
    for (const f of files) expect(statSync(join(dir, f)).mode & 0o777, f).toBe(0o600)

    // a directory and a file left 0755/0644 by an older version
    const { chmodSync } = await import('node:fs')
    chmodSync(dir, 0o755)
    chmodSync(join(dir, files[0]!), 0o644)
    const again = createFileLogger(dir, { level: 'info', console: false })
    again.info('again')
    await again.close()
    expect(statSync(dir).mode & 0o777).toBe(0o700)
    for (const f of readdirSync(dir)) expect(statSync(join(dir, f)).mode & 0o777, f).toBe(0o600)
  })
})
