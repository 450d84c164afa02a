/**
 * The app's settings, persisted as JSON (main passes `<userData>/settings.json`).
 *
 * - Versioned: the file carries `version`; older files are migrated step by step on load
 *   (see {@link MIGRATIONS}) and written back in the current shape.
 * - Never fatal: a file that is not JSON, not an object, or from a newer BanGUI gives the
 *   defaults; a file with some invalid values keeps the valid ones. Either way the original is
 *   kept as `settings.json.corrupt-<timestamp>` and a warning says so (`state().warnings`, shown
 *   by the UI). A missing file is a first run: defaults, no warning.
 * - Atomic: every save writes a temp file and renames it over the old one.
 */
import { closeSync, copyFileSync, fstatSync, openSync, readFileSync, renameSync } from 'node:fs'
import { z } from 'zod'
import {
  DEFAULT_SETTINGS,
  MAX_SERVER_PROFILES,
  SETTINGS_LIMITS,
  SETTINGS_VERSION,
  serverProfilesSchema,
  settingsPatchSchema,
  settingsSchema,
  type AppSettings,
  type SettingsPatch,
  type SettingsState
} from '../../shared/settings.ts'
import { Fail2BanArgumentError, silentLogger, type Logger } from '../fail2ban/index.ts'
import { assertTrustedPath, UntrustedPathError } from '../fail2ban/trust.ts'
import { writeFileAtomic, writeFileAtomicSync } from './atomic-file.ts'

export interface SettingsServiceOptions {
  /** The JSON file; null keeps settings in memory only (tests, the e2e harness). */
  file: string | null
  /** A socket path that wins over the setting without being saved (BANGUI_SOCKET). */
  socketPathOverride?: string | undefined
  /** Clock for backup names. */
  now?: () => Date
  logger?: Logger
}

export type SettingsListener = (state: SettingsState, changed: (keyof AppSettings)[]) => void

type Raw = Record<string, unknown>

/**
 * Version 1 (BanGUI 0.0.x) wrote `{ version: 1, socketPath, pollSeconds, notify,
 * startMinimized }`; its very first builds wrote no `version` at all, so a file without one is
 * read as version 1.
 */
const v1Schema = z.looseObject({
  socketPath: z.unknown().optional(),
  pollSeconds: z.unknown().optional(),
  notify: z.unknown().optional(),
  startMinimized: z.unknown().optional()
})

/**
 * Migration steps: `MIGRATIONS[n]` turns a version-n object into a version-(n+1) object. A step
 * only renames and converts; values are validated afterwards against the current schema, field
 * by field, so one bad value does not cost the others.
 */
export const MIGRATIONS: Record<number, (raw: Raw) => Raw> = {
  1: (raw) => {
    const v1 = v1Schema.parse(raw)
    const out: Raw = { version: 2 }
    if (v1.socketPath !== undefined) out.socketPath = v1.socketPath
    // v1 counted seconds (and accepted fractions); v2 counts milliseconds.
    if (typeof v1.pollSeconds === 'number') out.pollIntervalMs = Math.round(v1.pollSeconds * 1000)
    else if (v1.pollSeconds !== undefined) out.pollIntervalMs = v1.pollSeconds
    out.notifications = {
      enabled: v1.notify === undefined ? DEFAULT_SETTINGS.notifications.enabled : v1.notify,
      perJail: {}
    }
    if (v1.startMinimized !== undefined) out.startMinimized = v1.startMinimized
    // v1 had no tray: closing the window quit the app. Keep that for people who upgrade.
    out.closeToTray = false
    return out
  }
}

/** Settings that only apply after a restart. */
const RESTART_KEYS: readonly (keyof AppSettings)[] = ['socketPath']

export class SettingsService {
  readonly file: string | null
  readonly #o: SettingsServiceOptions
  readonly #logger: Logger
  #settings: AppSettings
  /** As loaded at startup: what the running services were built with. */
  readonly #initial: AppSettings
  #loadWarnings: string[] = []
  #saveWarning: string | null = null
  #listeners = new Set<SettingsListener>()
  #queue: Promise<unknown> = Promise.resolve()

  private constructor(opts: SettingsServiceOptions) {
    this.#o = opts
    this.file = opts.file
    this.#logger = opts.logger ?? silentLogger
    this.#settings = this.#load()
    this.#initial = structuredClone(this.#settings)
  }

  /** Reads (and if needed migrates or repairs) the file, synchronously: main needs it first. */
  static load(opts: SettingsServiceOptions): SettingsService {
    return new SettingsService(opts)
  }

  /** Settings kept in memory only, starting from the defaults. */
  static inMemory(socketPathOverride?: string): SettingsService {
    return new SettingsService({ file: null, socketPathOverride })
  }

  get current(): AppSettings {
    return structuredClone(this.#settings)
  }

  /** The socket path to use now: the override, else the setting as loaded at startup. */
  get effectiveSocketPath(): string {
    return this.#o.socketPathOverride || this.#initial.socketPath
  }

  get warnings(): string[] {
    return this.#saveWarning ? [...this.#loadWarnings, this.#saveWarning] : [...this.#loadWarnings]
  }

  state(): SettingsState {
    return {
      settings: this.current,
      warnings: this.warnings,
      file: this.file,
      restartRequired: RESTART_KEYS.filter(
        (k) => JSON.stringify(this.#settings[k]) !== JSON.stringify(this.#initial[k])
      ),
      effectiveSocketPath: this.effectiveSocketPath
    }
  }

  /** Subscribes to changes; returns the unsubscribe function. */
  onChange(listener: SettingsListener): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }

  /**
   * Applies a partial change (validated; `perJail` entries merged) and saves. A failed save is
   * reported as a warning in the returned state: the change still applies until quit.
   */
  async update(patch: SettingsPatch): Promise<SettingsState> {
    const p = settingsPatchSchema.parse(patch)
    if (p.socketPath !== undefined) await checkSocketPath(p.socketPath)
    const prev = this.#settings
    const next = settingsSchema.parse({
      ...prev,
      ...stripUndefined({
        socketPath: p.socketPath,
        pollIntervalMs: p.pollIntervalMs,
        startMinimized: p.startMinimized,
        closeToTray: p.closeToTray,
        historyRetentionDays: p.historyRetentionDays,
        geoipDatabasePath: p.geoipDatabasePath
      }),
      notifications: {
        enabled: p.notifications?.enabled ?? prev.notifications.enabled,
        perJail: { ...prev.notifications.perJail, ...p.notifications?.perJail }
      }
    })
    const changed = (Object.keys(next) as (keyof AppSettings)[]).filter(
      (k) => JSON.stringify(next[k]) !== JSON.stringify(prev[k])
    )
    if (changed.length === 0) return this.state()
    this.#settings = next
    await this.#save()
    const state = this.state()
    for (const l of this.#listeners) l(state, changed)
    return state
  }

  /** Remembers how to reach fail2ban (the access screen's choice; not a settings patch). */
  async setAccess(access: AppSettings['access']): Promise<SettingsState> {
    const prev = this.#settings
    if (prev.access === access) return this.state()
    this.#settings = settingsSchema.parse({ ...prev, access })
    await this.#save()
    const state = this.state()
    for (const l of this.#listeners) l(state, ['access'])
    return state
  }

  /** Replaces the SSH server profiles (checked again here: the caller may be wrong). */
  async setServers(servers: AppSettings['servers']): Promise<SettingsState> {
    this.#settings = settingsSchema.parse({ ...this.#settings, servers })
    await this.#save()
    const state = this.state()
    for (const l of this.#listeners) l(state, ['servers'])
    return state
  }

  /** Saves the current settings; serialized so the last change always lands last. */
  #save(): Promise<void> {
    const file = this.file
    if (file === null) return Promise.resolve()
    const text = serialize(this.#settings)
    const run = this.#queue.then(async () => {
      try {
        await writeFileAtomic(file, text)
        this.#saveWarning = null
      } catch (err) {
        this.#saveWarning = `Settings could not be saved to ${file} (${errMessage(err)}); the changes apply until BanGUI quits.`
        this.#logger.error('settings save failed', { file, err: errMessage(err) })
      }
    })
    this.#queue = run
    return run
  }

  #load(): AppSettings {
    const file = this.file
    if (file === null) return structuredClone(DEFAULT_SETTINGS)
    let text: string
    try {
      const fd = openSync(file, 'r')
      try {
        const size = fstatSync(fd).size
        if (size > SETTINGS_LIMITS.fileBytes)
          return this.#discard(
            `is ${size} bytes, more than a settings file can be (${SETTINGS_LIMITS.fileBytes})`
          )
        text = readFileSync(fd, 'utf8')
      } finally {
        closeSync(fd)
      }
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return structuredClone(DEFAULT_SETTINGS)
      this.#warn(
        `Settings could not be read from ${file} (${errMessage(err)}); the defaults are used.`
      )
      return structuredClone(DEFAULT_SETTINGS)
    }

    let raw: unknown
    try {
      raw = JSON.parse(text)
    } catch (err) {
      return this.#discard(`is not valid JSON (${errMessage(err)})`)
    }
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
      return this.#discard('does not hold a settings object')

    const version = (raw as Raw).version ?? 1
    if (typeof version !== 'number' || !Number.isInteger(version) || version < 1)
      return this.#discard(`has an unknown version (${JSON.stringify(version)})`)
    if (version > SETTINGS_VERSION)
      return this.#discard(
        `was written by a newer BanGUI (settings version ${version}; this one reads up to ${SETTINGS_VERSION})`
      )

    let current = raw as Raw
    try {
      for (let v = version; v < SETTINGS_VERSION; v++) current = MIGRATIONS[v]!(current)
    } catch (err) {
      return this.#discard(`could not be migrated from version ${version} (${errMessage(err)})`)
    }

    const { settings, problems } = salvage(current)
    if (problems.length > 0) {
      const backup = this.#backup('copy')
      this.#warn(
        `Some settings in ${file} were invalid and were reset to their defaults: ${problems.join('; ')}.` +
          (backup ? ` The original file was kept as ${backup}.` : '')
      )
    }
    if (problems.length > 0 || version !== SETTINGS_VERSION) {
      try {
        writeFileAtomicSync(file, serialize(settings))
        if (version !== SETTINGS_VERSION)
          this.#logger.info('settings migrated', { file, from: version, to: SETTINGS_VERSION })
      } catch (err) {
        this.#saveWarning = `Settings could not be saved to ${file} (${errMessage(err)}).`
      }
    }
    return settings
  }

  /** The whole file is unusable: keep it as a backup, use the defaults, say so. */
  #discard(why: string): AppSettings {
    const backup = this.#backup('move')
    this.#warn(
      `The settings file ${this.file} ${why}. The defaults are used` +
        (backup ? `; the file was kept as ${backup}.` : ', and the file could not be backed up.')
    )
    return structuredClone(DEFAULT_SETTINGS)
  }

  /** Keeps the current file as `<file>.corrupt-<timestamp>`; returns that path, or null. */
  #backup(how: 'move' | 'copy'): string | null {
    const file = this.file!
    const stamp = (this.#o.now?.() ?? new Date()).toISOString().replace(/[:.]/g, '-')
    const backup = `${file}.corrupt-${stamp}`
    try {
      if (how === 'move') renameSync(file, backup)
      else copyFileSync(file, backup)
      return backup
    } catch (err) {
      this.#logger.error('settings backup failed', { file, err: errMessage(err) })
      return null
    }
  }

  #warn(message: string): void {
    this.#loadWarnings.push(message)
    this.#logger.warn('settings', { message })
  }
}

/**
 * Validates a current-version object field by field: valid values are kept, a missing one
 * takes its default silently, an invalid one takes its default and is reported.
 */
function salvage(raw: Raw): { settings: AppSettings; problems: string[] } {
  const whole = settingsSchema.safeParse(raw)
  if (whole.success) return { settings: whole.data, problems: [] }
  const problems: string[] = []
  const shape = settingsSchema.shape
  const pick = <K extends keyof AppSettings>(key: K): AppSettings[K] => {
    const value = raw[key]
    if (value === undefined) return structuredClone(DEFAULT_SETTINGS[key])
    const r = shape[key].safeParse(value)
    if (r.success) return r.data as AppSettings[K]
    problems.push(`${key}: ${r.error.issues[0]?.message ?? 'invalid'}`)
    return structuredClone(DEFAULT_SETTINGS[key])
  }
  const settings: AppSettings = {
    socketPath: pick('socketPath'),
    pollIntervalMs: pick('pollIntervalMs'),
    notifications: pick('notifications'),
    startMinimized: pick('startMinimized'),
    closeToTray: pick('closeToTray'),
    access: pick('access'),
    historyRetentionDays: pick('historyRetentionDays'),
    geoipDatabasePath: pick('geoipDatabasePath')
  }
  const servers = salvageServers(raw.servers, problems)
  if (servers !== undefined) settings.servers = servers
  return { settings, problems }
}

/** SSH profiles one by one: a bad or duplicate profile is dropped, the others are kept. */
function salvageServers(raw: unknown, problems: string[]): AppSettings['servers'] {
  if (raw === undefined) return undefined
  const whole = serverProfilesSchema.safeParse(raw)
  if (whole.success) return whole.data
  if (!Array.isArray(raw)) {
    problems.push('servers: not a list of server profiles')
    return []
  }
  const kept: NonNullable<AppSettings['servers']> = []
  for (const [i, p] of raw.entries()) {
    const r = serverProfilesSchema.safeParse([...kept, p])
    if (r.success && kept.length < MAX_SERVER_PROFILES) kept.push(r.data.at(-1)!)
    else problems.push(`servers[${i}]: ${r.error?.issues[0]?.message ?? 'too many servers'}`)
  }
  return kept
}

/**
 * A new socket path must pass the trust rule if it exists now (it is checked again before every
 * connect); a path that does not exist yet is accepted, since the server may be down.
 */
async function checkSocketPath(path: string): Promise<void> {
  try {
    await assertTrustedPath(path, 'socket')
  } catch (err) {
    if (err instanceof UntrustedPathError && err.code !== 'ENOENT' && err.code !== 'EACCES')
      throw new Fail2BanArgumentError(err.message)
  }
}

function serialize(settings: AppSettings): string {
  return `${JSON.stringify({ version: SETTINGS_VERSION, ...settings }, null, 2)}\n`
}

function stripUndefined<T extends Record<string, unknown>>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>
}

function errMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}
