/**
 * The system OpenSSH client's command line and environment, so that the admin's own config,
 * agent, keys (FIDO too), ProxyJump/ProxyCommand, certificates and known_hosts all apply.
 *
 * One persistent `ssh` child per server carries the helper's stdio for the whole session
 * (ControlMaster off): its lifetime is the session's, so a dropped connection is the child's
 * exit, `kill()` really closes the connection, and no background master (ControlPersist forks
 * one) or socket file outlives the app. The price, a full handshake per reconnect, is paid only
 * after a drop, under back-off.
 */
import { homedir, userInfo } from 'node:os'
import { hasControl, parseTarget, type ServerProfile } from './profile.ts'

/** By absolute path: PATH is not trusted to choose the program that gets the user's keys. */
export const SSH_BIN = '/usr/bin/ssh'
export const SSH_KEYGEN_BIN = '/usr/bin/ssh-keygen'

/** Options for every session; given on the command line, they win over any ssh config. */
export const SESSION_OPTIONS: readonly string[] = [
  'BatchMode=yes', // never prompt: no password, passphrase or host-key questions, no loops
  'StrictHostKeyChecking=yes', // unknown keys are asked in the app, changed keys refused
  'ServerAliveInterval=15', // a dead link is noticed within 45 s
  'ServerAliveCountMax=3',
  'ControlMaster=no', // see the module comment
  'ControlPath=none',
  'ClearAllForwardings=yes', // a host's LocalForward lines must not bind ports for us
  'ForwardAgent=no', // the helper runs as root on the server: never hand it the agent
  'ForwardX11=no',
  'ConnectTimeout=15'
]

/** `-F`, `-i`, `-p` as the profile names them (all checked by profile.ts). */
export function profileArgs(profile: ServerProfile): string[] {
  const args: string[] = []
  if (profile.sshConfig !== undefined) args.push('-F', profile.sshConfig)
  if (profile.identityFile !== undefined) args.push('-i', profile.identityFile)
  const target = parseTarget(profile.target)
  if (target.port !== undefined) args.push('-p', String(target.port))
  return args
}

/** The destination, always after `--` so it can never be read as an option. */
export function destination(profile: ServerProfile): string {
  return parseTarget(profile.target).destination
}

/** argv (without the program) of the long-lived session that runs `remoteCommand`. */
export function sessionArgv(profile: ServerProfile, remoteCommand: string): string[] {
  return [
    '-T',
    ...SESSION_OPTIONS.flatMap((o) => ['-o', o]),
    ...profileArgs(profile),
    '--',
    destination(profile),
    remoteCommand
  ]
}

/**
 * The environment ssh gets: what it needs to find the user's agent and keys, nothing an
 * attacker-set variable could use to change which program runs. LC_ALL=C also travels to the
 * server where SendEnv/AcceptEnv allow it, so that sudo's messages there are the English ones
 * the classifier knows.
 */
export function sshEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {
    PATH: '/usr/local/bin:/usr/bin:/bin', // for ProxyCommand programs
    HOME: safeHome(),
    USER: userInfo().username,
    LOGNAME: userInfo().username,
    LANG: 'C',
    LC_ALL: 'C'
  }
  for (const key of ['SSH_AUTH_SOCK', 'SSH_SK_PROVIDER', 'XDG_RUNTIME_DIR']) {
    const v = env[key]
    if (typeof v === 'string' && v.startsWith('/') && !hasControl(v)) out[key] = v
  }
  return out
}

function safeHome(): string {
  try {
    return userInfo().homedir
  } catch {
    return homedir()
  }
}
