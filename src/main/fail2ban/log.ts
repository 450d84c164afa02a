/** Structured logging seam: the client logs through this; main plugs in its file logger. */
export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void
  info(msg: string, fields?: Record<string, unknown>): void
  warn(msg: string, fields?: Record<string, unknown>): void
  error(msg: string, fields?: Record<string, unknown>): void
}

const noop = (): void => undefined

/** Discards everything: the default for library use and tests. */
export const silentLogger: Logger = { debug: noop, info: noop, warn: noop, error: noop }
