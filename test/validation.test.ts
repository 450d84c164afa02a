/**
 * The request validators' breadth rules and server-setting names (issue: a jail named
 * `logtarget` reached fail2ban's global settings; `127.0.0.1/0` as ignoreip turned a jail off).
 */
import { describe, expect, it } from 'vitest'
import {
  checkIgnoreIp,
  checkIgnoreIpRemoval,
  checkIp,
  checkJailName,
  SERVER_SETTING_NAMES
} from '../src/shared/validation.ts'

describe('jail names', () => {
  it('refuses every name fail2ban dispatches to a server setting before its jails', () => {
    // Written out here, not taken from the app: fail2ban 1.0.2 Transmitter.__commandSet/Get.
    const globals = [
      'loglevel',
      'logtarget',
      'syslogsocket',
      'allowipv6',
      'thread',
      'dbfile',
      'dbmaxmatches',
      'dbpurgeage'
    ]
    expect([...SERVER_SETTING_NAMES].sort()).toEqual([...globals].sort())
    for (const name of [...globals, 'LogTarget', 'DBFILE']) {
      const c = checkJailName(name)
      expect(c.ok, name).toBe(false)
      if (!c.ok) expect(c.reason).toMatch(/server setting, not a jail/)
    }
    expect(checkJailName('sshd').ok).toBe(true)
    expect(checkJailName('logtarget2').ok).toBe(true)
  })
})

describe('ban and unban breadth', () => {
  it('refuses IPv4 broader than /8 and IPv6 broader than /32, loopback prefixes included', () => {
    for (const bad of [
      '0.0.0.0/0',
      '1.0.0.0/7',
      '127.0.0.1/0',
      '10.0.0.0/1',
      '2001:db8::/31',
      '::/0',
      '::1/0'
    ]) {
      expect(checkIp(bad).ok, bad).toBe(false)
    }
    expect(checkIp('10.1.2.3/8')).toEqual({ ok: true, value: '10.0.0.0/8' })
    expect(checkIp('2001:db8::1/32')).toEqual({ ok: true, value: '2001:db8::/32' })
  })

  it('treats IPv4-mapped IPv6 as the IPv4 address it carries', () => {
    expect(checkIp('::ffff:192.0.2.7')).toEqual({ ok: true, value: '192.0.2.7' })
    expect(checkIp('::ffff:192.0.2.7/120')).toEqual({ ok: true, value: '192.0.2.0/24' })
    expect(checkIp('::ffff:10.0.0.0/104')).toEqual({ ok: true, value: '10.0.0.0/8' })
    for (const bad of [
      '::ffff:0:0/96', // every IPv4 address
      '::ffff:10.0.0.0/100',
      '::ffff:192.0.2.7/64',
      '::ffff:127.0.0.1',
      '::ffff:0.0.0.0'
    ]) {
      const c = checkIp(bad)
      expect(c.ok, bad).toBe(false)
    }
    const c = checkIp('::ffff:0:0/96')
    if (!c.ok) expect(c.reason).toMatch(/too broad|prefix/)
  })
})

describe('ignoreip entries', () => {
  it('accepts loopback hosts and networks down to /8 only', () => {
    expect(checkIgnoreIp('127.0.0.1')).toEqual({ ok: true, value: '127.0.0.1' })
    expect(checkIgnoreIp('127.0.0.1/8')).toEqual({ ok: true, value: '127.0.0.0/8' })
    expect(checkIgnoreIp('::1')).toEqual({ ok: true, value: '::1' })
    for (const bad of [
      '127.0.0.1/0', // fail2ban stored 0.0.0.0/0: every IPv4 ignored, the jail off
      '127.0.0.1/1',
      '127.0.0.1/7',
      '127.0.0.1/33',
      '127.0.0.1/08x',
      '127.1.2.300',
      '::1/0',
      '::1/64',
      '0.0.0.0/0',
      '::ffff:127.0.0.1/96'
    ]) {
      expect(checkIgnoreIp(bad).ok, bad).toBe(false)
    }
    const c = checkIgnoreIp('127.0.0.1/0')
    if (!c.ok) expect(c.reason).toMatch(/too broad/)
  })
})

describe('removing ignoreip entries', () => {
  it('accepts any network, so an old broad entry can be removed, and sends /0 for a bare 0.0.0.0', () => {
    expect(checkIgnoreIpRemoval('0.0.0.0')).toEqual({ ok: true, value: '0.0.0.0/0' })
    expect(checkIgnoreIpRemoval('::')).toEqual({ ok: true, value: '::/0' })
    expect(checkIgnoreIpRemoval('127.0.0.1/0')).toEqual({ ok: true, value: '0.0.0.0/0' })
    expect(checkIgnoreIpRemoval('10.1.2.3/1')).toEqual({ ok: true, value: '0.0.0.0/1' })
    expect(checkIgnoreIpRemoval('::ffff:10.0.0.0/96')).toEqual({ ok: true, value: '0.0.0.0/0' })
    expect(checkIgnoreIpRemoval('192.0.2.7')).toEqual({ ok: true, value: '192.0.2.7' })
    for (const bad of [
      'example.com',
      '1.2.3.4<F2B_END_COMMAND>',
      '1.2.3.4/33',
      '01.2.3.4/8',
      'fe80::1%eth0',
      5
    ]) {
      expect(checkIgnoreIpRemoval(bad).ok, String(bad)).toBe(false)
    }
  })
})
