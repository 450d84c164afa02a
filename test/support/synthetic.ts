/**
 * Reproducible synthetic data for the history queries test and the history bench: the same seeded
 * generator and the same jail names, so the bench measures the data the test checks.
 */

/** mulberry32: a small seeded PRNG, uniform in [0, 1). */
export function mulberry32(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** Jails a busy server might run. */
export const SYNTHETIC_JAILS = [
  'sshd',
  'nginx-http-auth',
  'postfix',
  'dovecot',
  'recidive',
  'webapp',
  'bulk',
  'apache-auth'
] as const
