/**
 * A jail's ban list as it crosses IPC: one array per field instead of one object per ban.
 * 100 000 bans are then four arrays to clone (numbers copy flat) instead of 100 000 objects
 * with six properties each; the renderer rebuilds objects in one pass where it needs them.
 * Plain arrays (not typed arrays) so the e2e harness's JSON transport carries them too.
 */
import type { Ban } from './model.ts'

export interface BanColumns {
  jail: string
  ip: string[]
  /** Epoch ms. */
  bannedAt: number[]
  /** Seconds; -1 for a permanent ban. */
  bantime: number[]
  /** Epoch ms; null for a permanent ban. */
  expiresAt: (number | null)[]
}

export function toBanColumns(jail: string, bans: readonly Ban[]): BanColumns {
  const n = bans.length
  const c: BanColumns = {
    jail,
    ip: new Array<string>(n),
    bannedAt: new Array<number>(n),
    bantime: new Array<number>(n),
    expiresAt: new Array<number | null>(n)
  }
  for (let i = 0; i < n; i++) {
    const b = bans[i]!
    c.ip[i] = b.ip
    c.bannedAt[i] = b.bannedAt
    c.bantime[i] = b.bantime
    c.expiresAt[i] = b.expiresAt
  }
  return c
}

/** The ban objects back, in list order; throws on columns of different lengths. */
export function fromBanColumns(c: BanColumns): Ban[] {
  const n = c.ip.length
  if (c.bannedAt.length !== n || c.bantime.length !== n || c.expiresAt.length !== n)
    throw new Error('ban list columns of different lengths')
  const out = new Array<Ban>(n)
  const jail = c.jail
  for (let i = 0; i < n; i++) {
    const expiresAt = c.expiresAt[i]!
    out[i] = {
      ip: c.ip[i]!,
      jail,
      bannedAt: c.bannedAt[i]!,
      bantime: c.bantime[i]!,
      expiresAt,
      permanent: expiresAt === null
    }
  }
  return out
}
