/**
 * Host keys main fetched and is asking the admin about, under random tokens. The renderer only
 * ever sends a token back: the key written to known_hosts is the one main fetched for that very
 * profile, never bytes from the renderer. A token is used once and expires.
 */
import { randomBytes } from 'node:crypto'
import type { HostKeyQuestion } from '../../shared/servers.ts'
import type { HostKey } from '../ssh/host-keys.ts'
import type { ServerProfile } from '../ssh/profile.ts'

const TTL_MS = 30 * 60_000
const MAX_OPEN = 200

interface Open {
  profile: ServerProfile
  key: HostKey
  question: HostKeyQuestion
  expires: number
}

export class HostKeyQuestions {
  readonly #open = new Map<string, Open>()
  readonly #now: () => number

  constructor(now: () => number = Date.now) {
    this.#now = now
  }

  /** Registers a fetched key; returns the question the UI shows. */
  ask(profile: ServerProfile, key: HostKey): HostKeyQuestion {
    this.#prune()
    if (this.#open.size >= MAX_OPEN) this.#open.delete(this.#open.keys().next().value!)
    const token = randomBytes(18).toString('base64url')
    const question: HostKeyQuestion = {
      token,
      host: key.host,
      typeLabel: key.typeLabel,
      bits: key.bits,
      fingerprint: key.fingerprint
    }
    this.#open.set(token, { profile, key, question, expires: this.#now() + TTL_MS })
    return question
  }

  /** Takes the question out (once); undefined for an unknown, used or expired token. */
  take(token: string): { profile: ServerProfile; key: HostKey } | undefined {
    this.#prune()
    const o = this.#open.get(token)
    if (!o) return undefined
    this.#open.delete(token)
    return { profile: o.profile, key: o.key }
  }

  /** Whether the token can still be answered (not used, not expired, not pushed out). */
  isOpen(token: string): boolean {
    this.#prune()
    return this.#open.has(token)
  }

  /** Drops every open question about the server of that name (it was edited or removed). */
  forget(name: string): void {
    for (const [t, o] of this.#open) if (o.profile.name === name) this.#open.delete(t)
  }

  #prune(): void {
    const now = this.#now()
    for (const [t, o] of this.#open) if (o.expires <= now) this.#open.delete(t)
  }
}
