/**
 * Reload through the privileged helper against a private real server: the helper runs
 * fail2ban-client (as root, clean environment) and lists the configured jails; the Reloader
 * judges the outcome exactly as for a local run: all reloaded, some jails failed, or nothing
 * reloaded at all (proved by a runtime edit that survives).
 */
import { appendFile, readFile, writeFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Fail2BanClient, Fail2BanCommands, Reloader } from '../src/main/fail2ban/index.ts'
import { helperReloadRunner } from '../src/main/fail2ban/reload-runner.ts'
import { startHelperClient, type HelperClient } from '../src/main/services/helper-client.ts'
import { startTestServer, type TestServer } from './support/f2b-server.ts'

const HELPER = resolve(import.meta.dirname, '../src/helper/bangui-helper.py')

let server: TestServer
let helper: HelperClient
let direct: Fail2BanClient
let f2b: Fail2BanCommands
let reloader: Reloader

beforeAll(async () => {
  server = await startTestServer()
  helper = await startHelperClient({
    via: 'direct',
    helperPath: HELPER,
    extraArgs: ['--socket', server.socketPath, '--conf', join(server.dir, 'conf')]
  })
  direct = new Fail2BanClient({ socketPath: server.socketPath })
  f2b = new Fail2BanCommands(direct)
  const runner = helperReloadRunner(helper.client)
  reloader = new Reloader({
    // a path this process could never use: everything must go through the helper
    socketPath: '/nonexistent/fail2ban.sock',
    runningJails: () => f2b.jailNames(),
    runner: () => runner
  })
}, 60_000)

afterAll(async () => {
  await helper?.close()
  await direct?.close()
  await server?.stop()
})

describe('reload through the helper', () => {
  it('lists the configured jails and reloads them all', async () => {
    expect((await reloader.configuredJails()).sort()).toEqual([...server.jails].sort())
    const r = await reloader.reload({ scope: { kind: 'all' } })
    expect(r).toMatchObject({ ok: true, outcome: 'reloaded', missing: [] })
  }, 60_000)

  it('a jail with a missing filter: reloaded, but that jail failed, with the reason', async () => {
    const conf = `${server.dir}/conf/jail.conf`
    const before = await readFile(conf, 'utf8')
    await appendFile(conf, '\n[broken]\nenabled = true\nfilter = doesnotexist\nlogpath = /x.log\n')
    try {
      const r = await reloader.reload({ scope: { kind: 'all' } })
      expect(r.outcome).toBe('partial')
      expect(r.failures).toEqual([
        { jail: 'broken', reason: "Unable to read the filter 'doesnotexist'" }
      ])
    } finally {
      await writeFile(conf, before)
    }
  }, 60_000)

  it('a missing log file: nothing was reloaded, and the runtime edit survived', async () => {
    const conf = `${server.dir}/conf/jail.conf`
    const before = await readFile(conf, 'utf8')
    await f2b.setBantime('sshd', 1234)
    await writeFile(conf, `${before}\n[nolog]\nenabled = true\nlogpath = /nonexistent-dir/x.log\n`)
    try {
      const r = await reloader.reload({ scope: { kind: 'all' } })
      expect(r.outcome).toBe('not-reloaded')
      expect(r.error).toBe('Have not found any log file for nolog jail')
      await expect(f2b.jailSettings('sshd')).resolves.toMatchObject({ bantime: 1234 })
    } finally {
      await writeFile(conf, before)
      await f2b.setBantime('sshd', 600)
    }
  }, 60_000)
})
