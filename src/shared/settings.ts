/**
 * The app's settings: their current shape (schema), defaults, and the patch the settings screen
 * sends. Main persists them (services/settings.service.ts, with versioned migrations); the
 * renderer reads and patches them over the contract. Plain data only.
 */
import { z } from 'zod'
import { ACCESS_MODES } from './access.ts'
import { checkJailName } from './validation.ts'
import { parseServerProfile, SshProfileError } from './server-profile.ts'

/** The version main writes; files of older versions are migrated on load. */
export const SETTINGS_VERSION = 2

export const POLL_INTERVAL_MIN_MS = 1_000
export const POLL_INTERVAL_MAX_MS = 600_000
/** Size limits: the file and the IPC patch come from outside main and are bounded. */
export const SETTINGS_LIMITS = {
  /** Longest socket path (a Unix socket path is at most 107 bytes; a symlink may point there). */
  socketPath: 1024,
  /** Most per-jail notification entries (a jail name is at most 64 characters). */
  perJailEntries: 500,
  /** Largest settings file read; a bigger one is set aside unread. */
  fileBytes: 64 * 1024
} as const

/** An absolute path to fail2ban's control socket. */
export const socketPathSchema = z
  .string()
  .min(2)
  .max(SETTINGS_LIMITS.socketPath)
  .refine((p) => p.startsWith('/'), 'the socket path must be absolute (start with /)')
  // eslint-disable-next-line no-control-regex
  .refine((p) => !/[\u0000-\u001f]/.test(p), 'the socket path contains a control character')

export const pollIntervalSchema = z
  .number()
  .int()
  .min(POLL_INTERVAL_MIN_MS)
  .max(POLL_INTERVAL_MAX_MS)

const jailKeySchema = z.string().superRefine((v, ctx) => {
  const c = checkJailName(v)
  if (!c.ok) ctx.addIssue({ code: 'custom', message: c.reason })
})

export const notificationSettingsSchema = z.object({
  /** Desktop notifications on new bans at all. */
  enabled: z.boolean(),
  /** Per jail: false silences that jail; a jail not listed notifies. */
  perJail: z
    .record(jailKeySchema, z.boolean())
    .refine(
      (r) => Object.keys(r).length <= SETTINGS_LIMITS.perJailEntries,
      `at most ${SETTINGS_LIMITS.perJailEntries} per-jail notification settings`
    )
})

/** The current settings (version {@link SETTINGS_VERSION}). */
// Ban history settings (optional, so files written before they existed load unchanged).
export const HISTORY_RETENTION_DAYS_MAX = 3650
const historySettingsShape = {
  /** Events older than this many days are deleted from BanGUI's ban history. */
  historyRetentionDays: z.number().int().min(1).max(HISTORY_RETENTION_DAYS_MAX).optional(),
  /** The admin's own country .mmdb (absolute path); null: the bundled DB-IP Lite database. */
  geoipDatabasePath: z
    .string()
    .max(4096)
    .refine((p) => p.startsWith('/'), 'the GeoIP database path must be absolute (start with /)')
    .refine(
      // eslint-disable-next-line no-control-regex
      (p) => !/[\u0000-\u001f]/.test(p),
      'the GeoIP database path contains a control character'
    )
    .refine((p) => p.endsWith('.mmdb'), 'the GeoIP database must be an .mmdb file')
    .nullable()
    .optional()
}

/** The id of this machine's server: no SSH profile may take it (compared case-insensitively). */
export const RESERVED_SERVER_NAME = 'local'
export const MAX_SERVER_PROFILES = 50

/** One SSH profile, from the settings file or the window: the grammar of server-profile.ts. */
export const serverProfileSchema = z.unknown().transform((v, ctx) => {
  try {
    return parseServerProfile(v)
  } catch (err) {
    ctx.addIssue({
      code: 'custom',
      message: err instanceof SshProfileError ? err.message : 'not a server profile'
    })
    return z.NEVER
  }
})

/** The admin's SSH servers: unique names, none called "local". */
export const serverProfilesSchema = z
  .array(serverProfileSchema)
  .max(MAX_SERVER_PROFILES)
  .superRefine((list, ctx) => {
    const seen = new Set<string>()
    for (const p of list) {
      const key = p.name.toLowerCase()
      if (key === RESERVED_SERVER_NAME)
        ctx.addIssue({ code: 'custom', message: `"${p.name}" is reserved for this machine` })
      if (seen.has(key))
        ctx.addIssue({ code: 'custom', message: `two servers are named "${p.name}"` })
      seen.add(key)
    }
  })

export const settingsSchema = z.object({
  socketPath: socketPathSchema,
  /** How often the monitor polls jail counts. */
  pollIntervalMs: pollIntervalSchema,
  notifications: notificationSettingsSchema,
  /** Start with the window hidden (only when a tray icon could be created). */
  startMinimized: z.boolean(),
  /** Closing the window hides it to the tray instead of quitting. */
  closeToTray: z.boolean(),
  /**
   * How to reach fail2ban (direct socket, or the helper through pkexec or sudo). Changed only
   * through the access screen's own channel, never by a settings patch.
   */
  access: z.enum(ACCESS_MODES),
  /** SSH servers. Changed only through the servers channels, never by a settings patch. */
  servers: serverProfilesSchema.optional(),
  ...historySettingsShape
})

export type AppSettings = z.infer<typeof settingsSchema>
export type NotificationSettings = AppSettings['notifications']

export const DEFAULT_SETTINGS: AppSettings = {
  socketPath: '/var/run/fail2ban/fail2ban.sock',
  pollIntervalMs: 5_000,
  notifications: { enabled: true, perJail: {} },
  startMinimized: false,
  closeToTray: true,
  access: 'direct',
  historyRetentionDays: 365,
  geoipDatabasePath: null
}

/** What `updateSettings` accepts: any subset; `perJail` entries are merged, not replaced. */
export const settingsPatchSchema = z.strictObject({
  socketPath: socketPathSchema.optional(),
  pollIntervalMs: pollIntervalSchema.optional(),
  notifications: z
    .strictObject({
      enabled: z.boolean().optional(),
      perJail: notificationSettingsSchema.shape.perJail.optional()
    })
    .optional(),
  startMinimized: z.boolean().optional(),
  closeToTray: z.boolean().optional(),
  ...historySettingsShape
})

export type SettingsPatch = z.infer<typeof settingsPatchSchema>

/** Settings as the UI sees them. */
export interface SettingsState {
  settings: AppSettings
  /**
   * Problems met while loading or saving (corrupt file kept as a backup, invalid values reset
   * to defaults, a failed write): one sentence each, shown as is. Empty when all is well.
   */
  warnings: string[]
  /** Where they are stored; null when kept in memory only (tests, e2e harness). */
  file: string | null
  /** Changed settings that apply only after a restart (e.g. `socketPath`); empty otherwise. */
  restartRequired: string[]
  /** The socket path in use now (BANGUI_SOCKET overrides the setting). */
  effectiveSocketPath: string
}
