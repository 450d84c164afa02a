/** A Logger that records every entry with its monotonic time, for tests that assert on logs. */
import type { Logger } from '../../src/main/fail2ban/index.ts'

export interface LogEntry {
  level: 'debug' | 'info' | 'warn' | 'error'
  msg: string
  fields: Record<string, unknown>
  /** performance.now() when logged */
  t: number
}

export function logRecorder(): { logger: Logger; entries: LogEntry[] } {
  const entries: LogEntry[] = []
  const at =
    (level: LogEntry['level']) =>
    (msg: string, fields: Record<string, unknown> = {}): void => {
      entries.push({ level, msg, fields, t: performance.now() })
    }
  return {
    entries,
    logger: { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') }
  }
}
