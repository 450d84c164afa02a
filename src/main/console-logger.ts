/** A structured console logger (one JSON line per entry) for main; level from BANGUI_LOG_LEVEL. */
import type { Logger } from './fail2ban/index.ts'

const LEVELS = ['debug', 'info', 'warn', 'error'] as const
type Level = (typeof LEVELS)[number]

export function consoleLogger(
  level: Level = (process.env.BANGUI_LOG_LEVEL as Level) || 'info'
): Logger {
  const min = Math.max(0, LEVELS.indexOf(level))
  const make =
    (l: Level) =>
    (msg: string, fields?: Record<string, unknown>): void => {
      if (LEVELS.indexOf(l) < min) return
      const line = JSON.stringify({ t: new Date().toISOString(), level: l, msg, ...fields })
      if (l === 'error' || l === 'warn') console.error(line)
      else console.log(line)
    }
  return { debug: make('debug'), info: make('info'), warn: make('warn'), error: make('error') }
}
