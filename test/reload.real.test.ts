/**
 * Reload through fail2ban-client against a private real server: scopes, serialization and
 * verification of the jails that should run afterwards.
 */
import { appendFile, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  Fail2BanArgumentError,
  Fail2BanClient,
  Fail2BanCommands,
  Reloader
} from '../src/main/fail2ban/index.ts'
import { startTestServer, type TestServer } from './support/f2b-server.ts'

let server: TestServer
let client: Fail2BanClient
let f2b: Fail2BanCommands
let reloader: Reloader

beforeAll(async () => {
  server = await startTestServer()
  client = new Fail2BanClient({ socketPath: server.socketPath })
  f2b = new Fail2BanCommands(client)
  reloader = new Reloader({
    socketPath: server.socketPath,
    confDir: `${server.dir}/conf`,
    runningJails: () => f2b.jailNames()
  })
})
afterAll(async () => {
  await client?.close()
  await server?.stop()
})

describe('Reloader', () => {
  it('reads the configured jails from fail2ban-client -d', async () => {
    await expect(reloader.configuredJails()).resolves.toEqual(['sshd', 'webapp', 'bulk'])
  })

  it('reloads everything and verifies every configured jail runs', async () => {
    await f2b.banIps('bulk', ['192.0.2.9'])
    const r = await reloader.reload({ scope: { kind: 'all' } })
    expect(r).toMatchObject({ ok: true, jails: ['sshd', 'webapp', 'bulk'], missing: [] })
    expect(r.output).toContain('OK')
    // a plain reload keeps bans
    await expect(f2b.bannedIps('bulk')).resolves.toEqual(['192.0.2.9'])
  })

  it('include: reloads only the named jails; restart + unban clears their bans', async () => {
    await f2b.banIps('webapp', ['192.0.2.10'])
    const r = await reloader.reload({
      scope: { kind: 'include', jails: ['webapp'] },
      restart: true,
      unban: true
    })
    expect(r).toMatchObject({ ok: true, jails: ['webapp'], missing: [] })
    await expect(f2b.bannedIps('webapp')).resolves.toEqual([])
    await expect(f2b.bannedIps('bulk')).resolves.toEqual(['192.0.2.9'])
  })

  it('exclude: leaves the named jails alone', async () => {
    const r = await reloader.reload({
      scope: { kind: 'exclude', jails: ['bulk'] },
      restart: true,
      unban: true
    })
    expect(r.jails).toEqual(['sshd', 'webapp'])
    expect(r.ok).toBe(true)
    await expect(f2b.bannedIps('bulk')).resolves.toEqual(['192.0.2.9'])
  })

  it('reports a jail that did not come up, and an unknown jail, as failures', async () => {
    const r = await reloader.reload({ scope: { kind: 'include', jails: ['nosuchjail'] } })
    expect(r.ok).toBe(false)
    expect(r.missing).toEqual(['nosuchjail'])
    expect(r.output).toMatch(/nosuchjail/)
  })

  it('a jail whose filter is missing (fail2ban-client skips it and says OK) is reported missing', async () => {
    await appendFile(
      `${server.dir}/conf/jail.conf`,
      '\n[broken]\nenabled = true\nfilter = doesnotexist\nlogpath = /nonexistent.log\n'
    )
    const r = await reloader.reload({ scope: { kind: 'all' } })
    expect(r.ok).toBe(false)
    expect(r.missing).toContain('broken')
    // Reloaded, but this jail failed to start, with fail2ban's reason.
    expect(r.outcome).toBe('partial')
    expect(r.error).toBeNull()
    expect(r.failures).toEqual([
      { jail: 'broken', reason: "Unable to read the filter 'doesnotexist'" }
    ])
  })

  it('a missing log file aborts the reload before anything changes: "nothing was reloaded"', async () => {
    const conf = `${server.dir}/conf/jail.conf`
    const before = await readFile(conf, 'utf8')
    await f2b.setBantime('sshd', 1234) // a runtime edit a real reload would reset
    await writeFile(
      conf,
      `${before.replace(/\n\[broken\][^[]*/, '\n')}\n[nolog]\nenabled = true\nlogpath = /nonexistent-dir/x.log\n`
    )
    try {
      const r = await reloader.reload({ scope: { kind: 'all' } })
      expect(r.outcome).toBe('not-reloaded')
      expect(r.ok).toBe(false)
      expect(r.error).toBe('Have not found any log file for nolog jail')
      expect(r.failures).toEqual([
        { jail: 'nolog', reason: 'Have not found any log file for nolog jail' }
      ])
      // Proof that nothing was reloaded: the runtime edit survived.
      await expect(f2b.jailSettings('sshd')).resolves.toMatchObject({ bantime: 1234 })
    } finally {
      await writeFile(conf, before)
      await f2b.setBantime('sshd', 600)
    }
  })

  it('serializes concurrent reloads: fail2ban-client runs never overlap', async () => {
    // A wrapper that logs when each fail2ban-client run starts and ends.
    const log = join(server.dir, 'runs.log')
    const wrapper = join(server.dir, 'f2bc-wrapper.sh')
    await writeFile(
      wrapper,
      `#!/bin/sh\necho "start $*" >>${log}\n/usr/bin/fail2ban-client "$@"\nrc=$?\necho "end" >>${log}\nexit $rc\n`,
      { mode: 0o755 }
    )
    const r2 = new Reloader({
      socketPath: server.socketPath,
      confDir: `${server.dir}/conf`,
      clientPath: wrapper,
      runningJails: () => f2b.jailNames()
    })
    const a = r2.reload({ scope: { kind: 'include', jails: ['sshd'] } })
    expect(r2.running).toBe(true)
    const b = r2.reload({ scope: { kind: 'include', jails: ['webapp'] } })
    await Promise.all([a, b])
    expect(r2.running).toBe(false)
    const lines = (await readFile(log, 'utf8')).trim().split('\n')
    expect(lines.map((l) => l.split(' ')[0])).toEqual(['start', 'end', 'start', 'end'])
    expect(lines[0]).toMatch(/reload sshd$/)
    expect(lines[2]).toMatch(/reload webapp$/)
  })

  it('refuses bad jail names before running anything', () => {
    expect(() => reloader.reload({ scope: { kind: 'include', jails: ['--all'] } })).toThrow(
      Fail2BanArgumentError
    )
    expect(() => reloader.reload({ scope: { kind: 'include', jails: [] } })).toThrow(
      /at least one jail/
    )
  })
})
