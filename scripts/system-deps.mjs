#!/usr/bin/env node
// System packages the tests need: fail2ban (a private server per test file) and Debian's chromium
// (Playwright runs it; we never run `npx playwright install`), plus desktop-file-utils (checks the
// .desktop file), and for the privileged helper's tests pkexec + polkitd + dbus (a private system bus
// and polkitd in a mount namespace) and sudo (a sudoers drop-in for a test user). Installs them with
// apt when root, otherwise prints the command to run.
//
// Installing the fail2ban package must not start the system daemon. Containers have no systemd
// and their policy-rc.d denies starts; on a host without a policy-rc.d we add a temporary one that
// denies every start while apt runs. We never start, stop or configure a system daemon.
//
// Usage: node scripts/system-deps.mjs [--check]   (--check: report only, never install)
import { spawnSync } from 'node:child_process'
import { existsSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { pathToFileURL } from 'node:url'

// fonts-liberation: with --no-install-recommends Chromium would have no font to lay text out with.
export const APT_PACKAGES = [
  'fail2ban',
  'chromium',
  'fonts-liberation',
  'desktop-file-utils',
  'pkexec',
  'polkitd',
  'sudo',
  'dbus',
  'openssh-server',
  'openssh-client'
]
export const USER_COMMAND = `sudo apt-get install -y ${APT_PACKAGES.join(' ')}`
const APT_GET = '/usr/bin/apt-get'
const POLICY_RC_D = '/usr/sbin/policy-rc.d'

function executable(path) {
  try {
    return statSync(path).isFile() && (statSync(path).mode & 0o111) !== 0
  } catch {
    return false
  }
}

function pythonImportsFail2ban() {
  if (!executable('/usr/bin/python3')) return false
  const r = spawnSync('/usr/bin/python3', ['-c', 'import fail2ban'], {
    stdio: 'ignore',
    env: { PATH: '/usr/bin:/bin' }
  })
  return r.status === 0
}

/** Every requirement with its check. `pkg` is the apt package that provides it. */
export const REQUIREMENTS = [
  {
    what: '/usr/bin/fail2ban-server',
    pkg: 'fail2ban',
    ok: () => executable('/usr/bin/fail2ban-server')
  },
  {
    what: '/usr/bin/fail2ban-client',
    pkg: 'fail2ban',
    ok: () => executable('/usr/bin/fail2ban-client')
  },
  {
    what: '/usr/bin/python3 able to `import fail2ban`',
    pkg: 'fail2ban',
    ok: pythonImportsFail2ban
  },
  { what: '/usr/bin/chromium', pkg: 'chromium', ok: () => executable('/usr/bin/chromium') },
  {
    what: '/usr/bin/desktop-file-validate',
    pkg: 'desktop-file-utils',
    ok: () => executable('/usr/bin/desktop-file-validate')
  },
  { what: '/usr/bin/pkexec', pkg: 'pkexec', ok: () => executable('/usr/bin/pkexec') },
  {
    what: '/usr/lib/polkit-1/polkitd',
    pkg: 'polkitd',
    ok: () => executable('/usr/lib/polkit-1/polkitd')
  },
  { what: '/usr/bin/sudo', pkg: 'sudo', ok: () => executable('/usr/bin/sudo') },
  { what: '/usr/sbin/visudo', pkg: 'sudo', ok: () => executable('/usr/sbin/visudo') },
  { what: '/usr/bin/dbus-daemon', pkg: 'dbus', ok: () => executable('/usr/bin/dbus-daemon') },
  { what: '/usr/sbin/sshd', pkg: 'openssh-server', ok: () => executable('/usr/sbin/sshd') },
  { what: '/usr/bin/ssh', pkg: 'openssh-client', ok: () => executable('/usr/bin/ssh') },
  {
    what: '/usr/bin/ssh-keygen',
    pkg: 'openssh-client',
    ok: () => executable('/usr/bin/ssh-keygen')
  }
]

/** The requirements that are not met. */
export function missingRequirements() {
  return REQUIREMENTS.filter((r) => !r.ok())
}

function run(cmd, args, env) {
  console.log(`$ ${cmd} ${args.join(' ')}`)
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, ...env } })
  if (r.error) throw r.error
  if (r.status !== 0)
    throw new Error(`${cmd} ${args.join(' ')} exited with ${r.status ?? r.signal}`)
}

/**
 * Makes sure the system test dependencies are present; installs them with apt-get when running as
 * root. Resolves `{ ok, installed, missing }`; `ok` is false when something is still missing (a
 * message saying what to do has been printed). Never throws for a missing package.
 * @param {{ install?: boolean, log?: (line: string) => void }} [options]
 */
export function ensureSystemDeps({ install = true, log = console.log } = {}) {
  let missing = missingRequirements()
  if (missing.length === 0) {
    log(
      'system deps: fail2ban, python3 (fail2ban module), chromium, desktop-file-utils, pkexec, ' +
        'polkitd, sudo, dbus: all present'
    )
    return { ok: true, installed: [], missing: [] }
  }
  for (const m of missing) log(`system deps: missing ${m.what} (apt package ${m.pkg})`)
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0
  const canApt = existsSync(APT_GET)
  if (!install || !isRoot || !canApt) {
    const why = !install
      ? 'check only'
      : !canApt
        ? 'no apt-get on this system'
        : 'not running as root'
    log(`system deps: not installing (${why}). Install them with:`)
    log(
      canApt
        ? `  ${USER_COMMAND}`
        : `  your package manager's fail2ban, chromium, desktop-file-utils, pkexec, polkitd, sudo ` +
            `and dbus packages`
    )
    return { ok: false, installed: [], missing: missing.map((m) => m.what) }
  }

  const pkgs = APT_PACKAGES
  log(`system deps: installing with apt-get: ${pkgs.join(' ')}`)
  log(
    '  fail2ban: a private fail2ban-server per integration test (the system daemon is not started)'
  )
  log('  chromium: the browser Playwright drives for the e2e tests')
  log('  desktop-file-utils: desktop-file-validate for the .desktop file')
  log('  pkexec, polkitd, dbus: the helper test through pkexec (private bus, never the system one)')
  log('  sudo: the helper test through a sudoers drop-in for a test user')
  // Deny service starts during the install unless a policy already exists (containers have one).
  const ownPolicy = !existsSync(POLICY_RC_D)
  if (ownPolicy) {
    writeFileSync(
      POLICY_RC_D,
      '#!/bin/sh\n# temporary, written by scripts/system-deps.mjs\nexit 101\n',
      {
        mode: 0o755
      }
    )
  }
  try {
    const env = { DEBIAN_FRONTEND: 'noninteractive' }
    run(APT_GET, ['update'], env)
    run(APT_GET, ['install', '-y', '--no-install-recommends', ...pkgs], env)
  } catch (e) {
    log(`system deps: apt-get failed: ${e.message}`)
  } finally {
    if (ownPolicy) rmSync(POLICY_RC_D, { force: true })
  }
  missing = missingRequirements()
  for (const m of missing) log(`system deps: still missing after apt-get: ${m.what}`)
  if (missing.length === 0) log('system deps: installed ' + pkgs.join(', '))
  if (existsSync('/run/systemd/system')) {
    log('system deps: note: the fail2ban package enables fail2ban.service; it was not started here')
  }
  return { ok: missing.length === 0, installed: pkgs, missing: missing.map((m) => m.what) }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { ok } = ensureSystemDeps({ install: !process.argv.includes('--check') })
  process.exitCode = ok ? 0 : 1
}
