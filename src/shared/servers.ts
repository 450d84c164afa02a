/**
 * The fleet as the renderer sees it: every server (this machine and each SSH profile) with its
 * state and counts, the host-key question, and the results of fleet-wide actions. Plain data;
 * the channels are in contract.ts, main builds these in src/main/fleet.
 */
import type { FindIpResult, Jail } from './model.ts'
import type { ServerProfile } from './server-profile.ts'

export type { BecomeRoot, HelperMode, ServerProfile } from './server-profile.ts'

/** The id of this machine's server; an SSH server's id is its profile name. */
export const LOCAL_SERVER_ID = 'local'
/** At most this many SSH profiles (each is one ssh child and one poller). */
export const MAX_SERVERS = 50

/** Why a remote server is not connected, as the SSH layer typed it. */
export type ServerFailureKind =
  | 'unreachable'
  | 'auth-failed'
  | 'host-key-unknown'
  | 'host-key-changed'
  | 'sudo-password'
  | 'python-missing'
  | 'helper-missing'
  | 'fail2ban-not-running'
  | 'session-dropped'
  | 'helper-failed'

/** A host key the admin is asked to accept (as `ssh-keygen -lf` prints it). */
export interface HostKeyQuestion {
  /** Main's handle for the key it fetched: accepting sends this back, never the key itself. */
  token: string
  /** The name the key is recorded under in known_hosts (`host` or `[host]:port`). */
  host: string
  /** `ED25519`, `ECDSA`, `RSA`, … */
  typeLabel: string
  bits: number
  /** `SHA256:…` */
  fingerprint: string
}

export type ServerStatus =
  | 'connecting'
  | 'connected'
  /** a transient failure; the next attempt is scheduled (retryInMs) */
  | 'waiting'
  /** the admin must act (host key, sudo, auth, …) */
  | 'failed'
  | 'disconnected'

export interface ServerSummary {
  id: string
  name: string
  kind: 'local' | 'ssh'
  /** The SSH target, or the local socket path. */
  target: string
  status: ServerStatus
  /** What is wrong, as a sentence the admin can act on; null when connected. */
  message: string | null
  failure: ServerFailureKind | null
  /** The config line that fixes it (the sudoers line), when one does. */
  fix: string | null
  /** An unknown host key waiting for the admin's answer. */
  hostKey: HostKeyQuestion | null
  /** fail2ban's version there, once connected. */
  version: string | null
  /** Running jails and their current bans, from the last poll (0 before the first). */
  jails: number
  banned: number
  /** The profile (SSH servers only), for editing. */
  profile: ServerProfile | null
}

/** The key acceptHostKey wrote to known_hosts (for the audit log). */
export interface AcceptedKey {
  server: string
  host: string
  fingerprint: string
}

export interface ServersState {
  /** The server the jail views, reload and settings act on. */
  active: string
  servers: ServerSummary[]
  /** Current bans over every server. */
  totalBanned: number
}

/** One server's part of a fleet-wide answer. */
export type PerServer<T> =
  { server: string; ok: true; value: T } | { server: string; ok: false; message: string }

/** Jails grouped by server, for the "All servers" view. */
export interface FleetOverview {
  servers: { id: string; name: string; status: ServerStatus; jails: Jail[] }[]
  totals: { servers: number; connected: number; jails: number; banned: number }
}

/** Every current ban on every connected server, as columns (one entry per ban). */
export interface FleetBanColumns {
  server: string[]
  jail: string[]
  ip: string[]
  /** Epoch ms. */
  bannedAt: number[]
  bantime: number[]
  /** Epoch ms; null for a permanent ban. */
  expiresAt: (number | null)[]
  /** Servers whose lists could not be read. */
  errors: { server: string; message: string }[]
}

/** A merged ban list with no rows yet. */
export function emptyFleetBans(): FleetBanColumns {
  return { server: [], jail: [], ip: [], bannedAt: [], bantime: [], expiresAt: [], errors: [] }
}

export type FleetFindResult = PerServer<FindIpResult>[]

/** Progress of a fleet-wide ban or unban, one event per server as it finishes. */
export interface FleetProgress {
  operationId: string
  server: string
  done: number
  total: number
  ok: boolean
  message: string | null
}

/** What "Test" found: the server's fail2ban and jails, or why it could not connect. */
export type ServerTest =
  | { ok: true; version: string; jails: string[]; elapsedMs: number }
  | {
      ok: false
      failure: ServerFailureKind
      message: string
      fix: string | null
      hostKey: HostKeyQuestion | null
    }
