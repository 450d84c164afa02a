/**
 * Settings on disk: defaults on first run, v1 → v2 migration, a corrupt or invalid file gives
 * defaults (or keeps the valid values) plus a warning and a backup, atomic saves, patches.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createAppServices } from '../src/main/services/app-services.ts'
import { SettingsService } from '../src/main/services/settings.service.ts'
import { DEFAULT_SETTINGS, SETTINGS_VERSION } from '../src/shared/settings.ts'

let dir: string
let file: string
const now = () => new Date('2025-11-25T08:49:00.123Z')
const BACKUP = 'settings.json.corrupt-2025-11-25T08-49-00-123Z'

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'bangui-settings-'))
  file = join(dir, 'settings.json')
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

const load = () => SettingsService.load({ file, now })
const onDisk = () => JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>

describe('settings file', () => {
  it('first run: defaults, no warning, nothing written until a change', () => {
    const s = load()
    expect(s.current).toEqual(DEFAULT_SETTINGS)
    expect(s.warnings).toEqual([])
    expect(readdirSync(dir)).toEqual([])
  })

  it('migrates a v1 file (pollSeconds, notify) to the current version and writes it back', () => {
    writeFileSync(
      file,
      JSON.stringify({
        version: 1,
        socketPath: '/run/f2b/other.sock',
        pollSeconds: 2.5,
        notify: false,
        startMinimized: true
      })
    )
    const s = load()
    expect(s.current).toEqual({
      socketPath: '/run/f2b/other.sock',
      pollIntervalMs: 2500,
      notifications: { enabled: false, perJail: {} },
      startMinimized: true,
      closeToTray: false, // v1 quit on close: upgraders keep that
      access: 'direct',
      historyRetentionDays: 365,
      geoipDatabasePath: null
    })
    expect(s.warnings).toEqual([])
    expect(onDisk()).toEqual({ version: SETTINGS_VERSION, ...s.current })
    expect(readdirSync(dir)).toEqual(['settings.json']) // a clean migration needs no backup
  })

  it('a file without a version is read as v1', () => {
    writeFileSync(file, JSON.stringify({ pollSeconds: 10 }))
    const s = load()
    expect(s.current.pollIntervalMs).toBe(10_000)
    expect(onDisk().version).toBe(2)
  })

  it('a corrupt file gives the defaults, a visible warning, and is kept as a backup', () => {
    writeFileSync(file, '{"version": 2, "pollIntervalMs": 30')
    const s = load()
    expect(s.current).toEqual(DEFAULT_SETTINGS)
    expect(s.warnings).toHaveLength(1)
    expect(s.warnings[0]).toMatch(/is not valid JSON/)
    expect(s.warnings[0]).toContain(join(dir, BACKUP))
    expect(readdirSync(dir)).toEqual([BACKUP])
    expect(readFileSync(join(dir, BACKUP), 'utf8')).toBe('{"version": 2, "pollIntervalMs": 30')
    expect(s.state().warnings).toEqual(s.warnings)
  })

  it.each([
    ['an array', '[1,2]', /does not hold a settings object/],
    ['a newer version', '{"version": 9}', /newer BanGUI \(settings version 9/],
    ['a bad version', '{"version": "two"}', /unknown version/],
    ['a v1 file of the wrong shape', '{"version": 1, "pollSeconds": {}}', /pollIntervalMs/]
  ])('%s is never fatal', (_what, text, why) => {
    writeFileSync(file, text)
    const s = load()
    expect(s.warnings.join(' ')).toMatch(why)
    expect(readdirSync(dir)).toContain(BACKUP)
  })

  it('invalid values are reset one by one; valid ones are kept; the original is backed up', () => {
    const original = JSON.stringify({
      version: 2,
      socketPath: 'relative/path.sock',
      pollIntervalMs: 50,
      notifications: { enabled: false, perJail: { sshd: false } },
      startMinimized: true,
      closeToTray: 'yes',
      futureKey: 1
    })
    writeFileSync(file, original)
    const s = load()
    expect(s.current).toEqual({
      ...DEFAULT_SETTINGS,
      notifications: { enabled: false, perJail: { sshd: false } },
      startMinimized: true
    })
    expect(s.warnings).toHaveLength(1)
    expect(s.warnings[0]).toMatch(/socketPath: the socket path must be absolute/)
    expect(s.warnings[0]).toMatch(/pollIntervalMs: /)
    expect(s.warnings[0]).toMatch(/closeToTray: /)
    expect(readFileSync(join(dir, BACKUP), 'utf8')).toBe(original)
    expect(onDisk()).toEqual({ version: 2, ...s.current })
  })

  it('SSH profiles are kept one by one: a bad, reserved or duplicate profile is dropped with a warning', () => {
    const good = { name: 'web1', target: 'root@web1.example', become: 'root-login', helper: 'push' }
    const other = { name: 'db', target: 'db', become: 'sudo', helper: 'installed' }
    writeFileSync(
      file,
      JSON.stringify({
        version: 2,
        pollIntervalMs: 50, // another invalid key must not cost the profiles
        servers: [
          good,
          { name: 'evil', target: '-oProxyCommand=touch /tmp/x' },
          { ...good, target: 'web1b' },
          { name: 'Local', target: 'h' },
          other
        ]
      })
    )
    const s = load()
    expect(s.current.servers).toEqual([good, other])
    expect(s.warnings).toHaveLength(1)
    expect(s.warnings[0]).toMatch(/servers\[1\]: The SSH target .*-/)
    expect(s.warnings[0]).toMatch(/servers\[2\]: two servers are named "web1"/)
    expect(s.warnings[0]).toMatch(/servers\[3\]: "Local" is reserved/)
    expect(onDisk()).toEqual({ version: 2, ...s.current })
  })

  it('a missing key takes its default silently', () => {
    writeFileSync(file, JSON.stringify({ version: 2, pollIntervalMs: 7000 }))
    const s = load()
    expect(s.current).toEqual({ ...DEFAULT_SETTINGS, pollIntervalMs: 7000 })
    expect(s.warnings).toEqual([])
  })
})

describe('updates', () => {
  it('patches, merges perJail, saves atomically (no temp file left) and notifies', async () => {
    const s = load()
    const seen: string[][] = []
    s.onChange((_state, changed) => seen.push(changed))
    await s.update({ pollIntervalMs: 10_000, notifications: { perJail: { sshd: false } } })
    await s.update({ notifications: { perJail: { nginx: false } } })
    expect(s.current.notifications).toEqual({
      enabled: true,
      perJail: { sshd: false, nginx: false }
    })
    expect(onDisk()).toEqual({ version: 2, ...s.current })
    expect(readdirSync(dir)).toEqual(['settings.json'])
    expect(seen).toEqual([['pollIntervalMs', 'notifications'], ['notifications']])
    // unchanged: no write, no event
    await s.update({ pollIntervalMs: 10_000 })
    expect(seen).toHaveLength(2)
    // and it loads back
    expect(load().current).toEqual(s.current)
  })

  it('refuses invalid patches and keeps the settings', async () => {
    const s = load()
    await expect(s.update({ pollIntervalMs: 10 })).rejects.toThrow()
    await expect(
      s.update({ notifications: { perJail: { 'bad jail;rm': false } } })
    ).rejects.toThrow(/not a valid jail name/)
    await expect(s.update({ socketPath: 'x\n/y' } as never)).rejects.toThrow()
    expect(s.current).toEqual(DEFAULT_SETTINGS)
  })

  it('a socket path change needs a restart; the override wins and is not saved', async () => {
    const s = SettingsService.load({ file, socketPathOverride: '/tmp/test.sock' })
    expect(s.effectiveSocketPath).toBe('/tmp/test.sock')
    const st = await s.update({ socketPath: '/run/other.sock' })
    expect(st.restartRequired).toEqual(['socketPath'])
    expect(st.effectiveSocketPath).toBe('/tmp/test.sock')
    expect(onDisk().socketPath).toBe('/run/other.sock')
    expect((await s.update({ socketPath: DEFAULT_SETTINGS.socketPath })).restartRequired).toEqual(
      []
    )
  })

  it('a failed save is a warning in the state, not an error; the change applies', async () => {
    const s = load()
    // A directory where the file should be: rename fails even for root.
    mkdirSync(join(file, 'blocker'), { recursive: true })
    const st = await s.update({ startMinimized: true })
    expect(st.settings.startMinimized).toBe(true)
    expect(st.warnings.join(' ')).toMatch(/could not be saved to .*settings\.json/)
    expect(readdirSync(dir)).toEqual(['settings.json']) // the temp file was removed
    rmSync(file, { recursive: true })
    const ok = await s.update({ startMinimized: false })
    expect(ok.warnings).toEqual([])
    expect(onDisk().startMinimized).toBe(false)
  })

  it('the services apply a new poll interval to the monitor and emit settingsChanged', async () => {
    const settings = load()
    const services = createAppServices({ socketPath: '/nonexistent/f2b.sock', settings })
    const events: unknown[] = []
    services.events.subscribe((name, payload) => name === 'settingsChanged' && events.push(payload))
    expect(services.monitor.intervalMs).toBe(DEFAULT_SETTINGS.pollIntervalMs)
    await settings.update({ pollIntervalMs: 2000 })
    expect(services.monitor.intervalMs).toBe(2000)
    expect(events).toEqual([settings.state()])
    await services.dispose()
  })
})

describe('settings limits (a settings file and an IPC patch come from outside main)', () => {
  it('refuses more per-jail entries than the limit, in a patch and in the file', async () => {
    const s = load()
    const many = (n: number) =>
      Object.fromEntries(Array.from({ length: n }, (_, i) => [`j${i}`, true]))
    await expect(s.update({ notifications: { perJail: many(501) } })).rejects.toThrow(/at most 500/)
    await s.update({ notifications: { perJail: many(300) } })
    // merged with what is there, the result is bounded too
    await expect(
      s.update({
        notifications: {
          perJail: Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`k${i}`, true]))
        }
      })
    ).rejects.toThrow(/at most 500/)
    writeFileSync(
      file,
      JSON.stringify({
        version: SETTINGS_VERSION,
        ...DEFAULT_SETTINGS,
        notifications: { enabled: true, perJail: many(600) }
      })
    )
    const again = load()
    expect(again.current.notifications.perJail).toEqual({})
    expect(again.warnings.join(' ')).toMatch(/at most 500/)
  })

  it('sets aside a file larger than the limit without parsing it', () => {
    writeFileSync(file, `{"version":2,"pad":"${'x'.repeat(70 * 1024)}"}`)
    const s = load()
    expect(s.current).toEqual(DEFAULT_SETTINGS)
    expect(s.warnings.join(' ')).toMatch(/bytes, more than a settings file can be/)
    expect(readdirSync(dir)).toContain(BACKUP)
  })

  it('refuses a socket path that exists but fails the trust rule; accepts a missing one', async () => {
    const s = load()
    const open = join(dir, 'open')
    mkdirSync(open, { mode: 0o777 })
    const { chmodSync } = await import('node:fs')
    chmodSync(open, 0o777)
    const net = await import('node:net')
    const srv = net.createServer()
    const sock = join(open, 'f2b.sock')
    await new Promise<void>((r) => srv.listen(sock, r))
    try {
      await expect(s.update({ socketPath: sock })).rejects.toThrow(/Refusing the fail2ban socket/)
      await expect(s.update({ socketPath: join(dir, 'later.sock') })).resolves.toMatchObject({
        settings: { socketPath: join(dir, 'later.sock') }
      })
    } finally {
      await new Promise((r) => srv.close(r))
    }
  })
})
