/**
 * Ban history as the UI sees it (plain data). Times are epoch seconds, as fail2ban keeps them.
 */

export type HistoryKind = 'ban' | 'unban'
/** observed: seen by the monitor; manual: done from this app; imported: from fail2ban's database. */
export type HistorySource = 'observed' | 'manual' | 'imported'

export interface HistoryEvent {
  server: string
  jail: string
  ip: string
  /** epoch seconds */
  time: number
  /** seconds; -1 permanent; null unknown */
  bantime: number | null
  bancount: number | null
  kind: HistoryKind
  source: HistorySource
  /** failures that led to the ban (fail2ban's `data.failures`), null unknown */
  failures: number | null
  /** matched log lines fail2ban kept (at most its dbmaxmatches) */
  matches: string[]
}

export interface JailBanCount {
  jail: string
  bans: number
}

export interface BansByJail {
  since: number
  until: number
  rows: JailBanCount[]
  total: number
  /** Why the window looks empty or incomplete, in words an admin can act on; null if all is well. */
  diagnostic: string | null
}

export interface Timeline {
  since: number
  until: number
  /** bucket width in seconds */
  bucketS: number
  /** bucket start times (epoch s) */
  starts: number[]
  series: { jail: string; counts: number[] }[]
}

export interface Offender {
  ip: string
  bans: number
  jails: string[]
  servers: number
  /** epoch s of the newest ban in the window */
  lastBan: number
  /** ISO 3166 alpha-2, null when unknown */
  country: string | null
}

export interface CountryCount {
  country: string | null
  bans: number
  ips: number
}

export interface HistorySummary {
  /** servers the history knows (for the server picker) */
  servers: string[]
  byJail: BansByJail
  top: Offender[]
  repeat: Offender[]
  countries: CountryCount[]
  /** e.g. the admin's GeoIP database could not be read (the bundled one is used instead) */
  warnings: string[]
}

export interface IpHistory {
  ip: string
  country: string | null
  events: HistoryEvent[]
}

export interface ImportReport {
  server: string
  /** rows read from fail2ban's database */
  read: number
  /** rows refused (bad IP, jail or numbers) */
  skipped: number
  lastRowid: number
  lastTime: number
}
