/**
 * A fleet in a box for the SSH tests and bench: two private sshds (A serves, B is a jump host),
 * up to three private fail2ban-servers as three "servers", test users (sudo -n allowed; sudo
 * needing a password; no python3 on PATH), and a client side of our own: an ssh config with
 * Host aliases (`-F`), a private known_hosts and identity key. Nothing of the system's ssh
 * configuration, known_hosts or sshd is read or changed.
 */
import { execFileSync } from 'node:child_process'
import { chmodSync, copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { ServerProfile } from '../../src/main/ssh/profile.ts'
import { sudoersAdvice } from '../../src/main/ssh/remote-command.ts'
import { startTestServer, type TestServer } from './f2b-server.ts'
import {
  createTestUser,
  freePort,
  installSudoers,
  makeClientKey,
  makeLabDir,
  startSshd,
  type PrivateSshd,
  type TestUser
} from './sshd.ts'

export interface SshLab {
  dir: string
  sshConfig: string
  knownHosts: string
  /** the client key every test user authorizes */
  identity: string
  a: PrivateSshd
  b: PrivateSshd
  f2b: TestServer[]
  sudoUser: TestUser
  passwordUser: TestUser
  noPythonUser: TestUser
  helperSource: Buffer
  /** The helper "installed" on the server (root-owned copy in the lab), for helper: 'installed' */
  installedHelper: string
  /** 1-based line of the wrong key recorded for `srv-changed` */
  changedKeyLine: number
  /** A profile for one of the config's Host aliases. */
  profile(alias: string, extra?: Partial<ServerProfile>): ServerProfile
  stop(): Promise<void>
}

export const HELPER_PATH = new URL('../../src/helper/bangui-helper.py', import.meta.url)

/** Starts the lab. `servers`: how many fail2ban-servers (1..3). */
export async function startSshLab(servers = 3): Promise<SshLab> {
  const dir = makeLabDir()
  const authorized = join(dir, 'authorized_keys')
  mkdirSync(authorized, { mode: 0o755 })
  const client = join(dir, 'client')
  mkdirSync(client, { mode: 0o700 })
  const [identity, pub] = makeClientKey(client)
  const [strangerKey] = makeClientKey(client, 'id_stranger')

  const sudoUser = createTestUser(dir, 's')
  const passwordUser = createTestUser(dir, 'p')
  const noPythonUser = createTestUser(dir, 'n')
  // a login shell whose PATH has no python3: "python3 missing" for real
  const shell = join(dir, 'nopython-shell')
  writeFileSync(shell, '#!/bin/sh\nPATH=/nonexistent\nexport PATH\nexec /bin/sh "$@"\n', {
    mode: 0o755
  })
  execFileSync('/usr/sbin/usermod', ['-s', shell, noPythonUser.name])
  for (const u of ['root', sudoUser.name, passwordUser.name, noPythonUser.name]) {
    writeFileSync(join(authorized, u), `${pub}\n`, { mode: 0o644 })
  }
  const users = ['root', sudoUser.name, passwordUser.name, noPythonUser.name]
  const a = await startSshd(join(dir, 'sshd-a'), {
    authorizedKeysDir: authorized,
    allowUsers: users
  })
  const b = await startSshd(join(dir, 'sshd-b'), {
    authorizedKeysDir: authorized,
    allowUsers: ['root']
  })

  // the sudoers line the app itself shows for a push-mode sudo profile
  const advice = sudoersAdvice(
    { name: 'x', target: 'x', become: 'sudo', helper: 'push' },
    sudoUser.name
  )
  const line = advice
    .split('\n')
    .find((l) => l.includes('NOPASSWD'))!
    .trim()
  const removeSudo = installSudoers(`bangui-test-${sudoUser.name}`, `${line}\n`)
  const f2b: TestServer[] = []
  try {
    for (let i = 0; i < servers; i++) f2b.push(await startTestServer())
  } catch (e) {
    await Promise.all(f2b.map((s) => s.stop()))
    throw e
  }

  // "installed" helper: a root-owned copy, and for the password user only the narrow rule the
  // app shows for it (that exact argv, second server's socket)
  const installedHelper = join(dir, 'lib', 'bangui-helper')
  mkdirSync(join(dir, 'lib'), { mode: 0o755 })
  copyFileSync(HELPER_PATH, installedHelper)
  chmodSync(installedHelper, 0o755)
  const narrow = sudoersAdvice(
    {
      name: 'x',
      target: 'x',
      become: 'sudo',
      helper: 'installed',
      remoteSocket: f2b[servers - 1]!.socketPath
    },
    passwordUser.name,
    installedHelper
  )
    .split('\n')
    .find((l) => l.includes('NOPASSWD'))!
    .trim()
  const removePw = installSudoers(
    `bangui-test-${passwordUser.name}`,
    `${passwordUser.name} ALL=(ALL) ALL\n${narrow}\n`
  )

  // a key that is not A's, recorded for srv-changed
  const [, otherPub] = makeClientKey(client, 'not_the_host_key')
  const knownHosts = join(client, 'known_hosts')
  const khLines = [
    a.knownHostsLine(),
    b.knownHostsLine(),
    `bangui-changed ${otherPub.split(' ').slice(0, 2).join(' ')}`
  ]
  writeFileSync(knownHosts, `${khLines.join('\n')}\n`, { mode: 0o600 })
  const closedPort = await freePort()

  const host = (alias: string, port: number, user: string, extra: string[] = []): string =>
    [
      `Host ${alias}`,
      `  Port ${port}`,
      `  User ${user}`,
      `  IdentityFile ${identity}`,
      ...extra.map((l) => `  ${l}`)
    ].join('\n')
  const sshConfig = join(client, 'config')
  writeFileSync(
    sshConfig,
    [
      host('srv-root', a.port, 'root'),
      host('srv-sudo', a.port, sudoUser.name),
      host('srv-password', a.port, passwordUser.name),
      host('srv-nopython', a.port, noPythonUser.name),
      host('srv-jump', b.port, 'root'),
      host('srv-via-jump', a.port, 'root', ['ProxyJump srv-jump']),
      host('srv-unknown', a.port, 'root', ['HostKeyAlias bangui-unknown']),
      host('srv-hashed', a.port, 'root', ['HostKeyAlias bangui-hashed', 'HashKnownHosts yes']),
      host('srv-new', a.port, 'root', ['HostKeyAlias bangui-new']),
      host('srv-changed', a.port, 'root', ['HostKeyAlias bangui-changed']),
      host('srv-closed', closedPort, 'root'),
      [
        'Host srv-stranger',
        `  Port ${a.port}`,
        '  User root',
        `  IdentityFile ${strangerKey}`
      ].join('\n'),
      [
        'Host *',
        '  HostName 127.0.0.1',
        '  IdentitiesOnly yes',
        `  UserKnownHostsFile ${knownHosts}`,
        '  GlobalKnownHostsFile /dev/null',
        '  HashKnownHosts no',
        '  ConnectTimeout 10'
      ].join('\n'),
      ''
    ].join('\n\n')
  )

  const helperSource = readFileSync(HELPER_PATH)
  return {
    dir,
    sshConfig,
    knownHosts,
    identity,
    a,
    b,
    f2b,
    sudoUser,
    passwordUser,
    noPythonUser,
    helperSource,
    installedHelper,
    changedKeyLine: 3,
    profile: (alias, extra = {}) => ({
      name: alias,
      target: alias,
      become: 'root-login',
      helper: 'push',
      sshConfig,
      ...extra
    }),
    async stop() {
      await Promise.all(f2b.map((s) => s.stop()))
      await a.stop()
      await b.stop()
      removeSudo()
      removePw()
      for (const u of [sudoUser, passwordUser, noPythonUser]) u.remove()
      rmSync(dir, { recursive: true, force: true })
    }
  }
}
