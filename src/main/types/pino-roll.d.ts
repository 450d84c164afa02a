// pino-roll ships no type declarations; this covers what src/main/logging.ts uses.
declare module 'pino-roll' {
  import type { SonicBoom, SonicBoomOpts } from 'sonic-boom'

  export interface PinoRollOptions extends Omit<SonicBoomOpts, 'dest'> {
    file: string | (() => string)
    /** Bytes with a unit: '512b', '10k', '5m'; a bare number means megabytes. */
    size?: string | number
    frequency?: 'daily' | 'hourly' | number
    extension?: string
    symlink?: boolean
    limit?: { count?: number; removeOtherLogFiles?: boolean }
    dateFormat?: string
    mkdir?: boolean
  }

  /** Opens the (numbered) log file and returns a SonicBoom stream that rolls by size/time. */
  export default function pinoRoll(options: PinoRollOptions): Promise<SonicBoom>
}
