/**
 * Validation of what a user may send towards fail2ban: IPs and CIDRs, jail names, ignoreip
 * entries. Used at the IPC boundary (request schemas), again in the client, and in the renderer
 * to explain a refusal while the user types. Pure functions, no Node or DOM APIs.
 */
import ipaddr from 'ipaddr.js'

/** fail2ban's request terminator and goodbye: no argument may contain them. */
export const END_MARKER = '<F2B_END_COMMAND>'
export const CLOSE_MARKER = '<F2B_CLOSE_COMMAND>'

export type Checked<T> = { ok: true; value: T } | { ok: false; reason: string }

/** Longest accepted IP/CIDR text (a full IPv6 with an IPv4 tail and a prefix fits). */
export const MAX_IP_TEXT = 64
/** Most IPs one ban or unban request may carry. */
export const MAX_IPS_PER_REQUEST = 200_000
/** Narrowest accepted prefix: anything broader bans a large part of the Internet. */
export const MIN_PREFIX = { ipv4: 8, ipv6: 32 } as const

const JAIL_NAME = /^[A-Za-z0-9][A-Za-z0-9_.@:+-]{0,63}$/

/**
 * Names fail2ban's `set`/`get` dispatch (Transmitter.__commandSet/__commandGet, 1.0.2) tests
 * before it looks for a jail: `set logtarget bantime 600` sets the server's log target to a file
 * named "bantime". A jail can never be reached under these names, so they are refused outright,
 * whatever the server's jail list says.
 */
export const SERVER_SETTING_NAMES: readonly string[] = [
  'loglevel',
  'logtarget',
  'syslogsocket',
  'allowipv6',
  'thread',
  'dbfile',
  'dbmaxmatches',
  'dbpurgeage'
]

/** A jail name as fail2ban config sections use them: letters, digits and `_.@:+-`, 1–64 chars. */
export function checkJailName(name: unknown): Checked<string> {
  if (typeof name !== 'string') return { ok: false, reason: 'jail name must be text' }
  if (!JAIL_NAME.test(name)) {
    return {
      ok: false,
      reason: `"${truncate(name)}" is not a valid jail name (letters, digits and _ . @ : + - only, at most 64 characters)`
    }
  }
  if (SERVER_SETTING_NAMES.includes(name.toLowerCase())) {
    return {
      ok: false,
      reason: `"${name}" names a fail2ban server setting, not a jail: BanGUI never sends commands to it`
    }
  }
  return { ok: true, value: name }
}

/**
 * A jail name from the server, made safe to show where text may be read as markup or menu
 * syntax (desktop notification bodies take a subset of HTML; menu labels take `&` mnemonics):
 * a valid name as is, anything else with every other character replaced by `?`, at most 64.
 */
export function displayJailName(name: unknown): string {
  const text = typeof name === 'string' ? name : String(name)
  if (JAIL_NAME.test(text)) return text
  const safe = text.replace(/[^A-Za-z0-9_.@:+-]/g, '?')
  return safe.length > 64 ? `${safe.slice(0, 63)}…` : safe || '?'
}

/**
 * A server name (the admin's own profile name, or "This machine") made safe the same way:
 * spaces are kept, markup and menu characters (`<`, `>`, `&`) and control characters are not.
 */
export function displayServerName(name: string): string {
  const safe = name.replace(/[^\p{L}\p{N} _.@:+()-]/gu, '?')
  return safe.length > 64 ? `${safe.slice(0, 63)}…` : safe || '?'
}

/**
 * Parses one IP address or CIDR network and returns it in the form fail2ban reports it:
 * IPv4 dotted quad, IPv6 in RFC 5952 form, networks as `network/prefix`, a full-length prefix
 * as the plain address. Refuses what would ban the host itself or a huge part of the Internet.
 */
export function checkIp(input: unknown): Checked<string> {
  if (typeof input !== 'string') return { ok: false, reason: 'IP must be text' }
  const text = input.trim()
  if (text === '') return { ok: false, reason: 'empty' }
  if (text.length > MAX_IP_TEXT)
    return { ok: false, reason: `"${truncate(text)}" is too long for an IP address` }
  if (text.includes('%'))
    return { ok: false, reason: `"${text}": IPv6 zone ids (%eth0) cannot be banned` }
  const slash = text.indexOf('/')
  const addrText = slash === -1 ? text : text.slice(0, slash)
  const prefixText = slash === -1 ? null : text.slice(slash + 1)

  let addr: ipaddr.IPv4 | ipaddr.IPv6
  if (addrText.includes(':')) {
    if (!ipaddr.IPv6.isValid(addrText))
      return { ok: false, reason: `"${text}" is not a valid IPv6 address` }
    const v6 = ipaddr.IPv6.parse(addrText)
    if (v6.isIPv4MappedAddress()) return checkMapped(text, v6, prefixText)
    addr = v6
  } else {
    if (!ipaddr.IPv4.isValidFourPartDecimal(addrText) || /(^|\.)0\d/.test(addrText)) {
      return {
        ok: false,
        reason: `"${text}" is not a valid IPv4 address (four decimal numbers 0–255)`
      }
    }
    addr = ipaddr.IPv4.parse(addrText)
  }
  const bits = addr.kind() === 'ipv4' ? 32 : 128
  let prefix = bits
  if (prefixText !== null) {
    if (!/^\d{1,3}$/.test(prefixText) || Number(prefixText) > bits) {
      return { ok: false, reason: `"${text}": the prefix must be a number from 0 to ${bits}` }
    }
    prefix = Number(prefixText)
    const min = MIN_PREFIX[addr.kind()]
    if (prefix < min) {
      return {
        ok: false,
        reason: `"${text}" is too broad: the shortest prefix accepted is /${min}`
      }
    }
  }
  const range = addr.range()
  if (range === 'unspecified' || range === 'loopback') {
    const what = range === 'loopback' ? 'a loopback' : 'the unspecified'
    return {
      ok: false,
      reason: `"${text}" is ${what} address: banning it would lock out this host itself`
    }
  }
  if (range === 'multicast' || range === 'broadcast') {
    return { ok: false, reason: `"${text}" is a ${range} address, not a host that can be banned` }
  }
  if (prefix === bits) return { ok: true, value: formatAddr(addr) }
  const network = networkOf(addr, prefix)
  return { ok: true, value: `${formatAddr(network)}/${prefix}` }
}

/**
 * An IPv4-mapped IPv6 address (`::ffff:a.b.c.d`, optionally `/96`–`/128`) is the IPv4 address
 * `a.b.c.d` with the prefix minus 96: that is how it is sent, so the IPv4 breadth rule applies
 * (`::ffff:0:0/96` would be every IPv4 address).
 */
function checkMapped(text: string, v6: ipaddr.IPv6, prefixText: string | null): Checked<string> {
  const v4 = v6.toIPv4Address().toString()
  if (prefixText === null) return checkIp(v4)
  if (!/^\d{1,3}$/.test(prefixText) || Number(prefixText) > 128 || Number(prefixText) < 96) {
    return {
      ok: false,
      reason: `"${text}": an IPv4-mapped address takes a prefix from /${96 + MIN_PREFIX.ipv4} to /128`
    }
  }
  const c = checkIp(`${v4}/${Number(prefixText) - 96}`)
  return c.ok ? c : { ok: false, reason: `"${text}" (as IPv4): ${c.reason}` }
}

/**
 * Like {@link checkIp}, for ignoreip entries, which may also be loopback addresses or networks
 * (no broader than /8: fail2ban stores `127.0.0.1/0` as `0.0.0.0/0`, which ignores every IPv4).
 */
export function checkIgnoreIp(input: unknown): Checked<string> {
  if (typeof input !== 'string') return { ok: false, reason: 'ignoreip entry must be text' }
  const text = input.trim()
  const checked = checkIp(text)
  if (checked.ok) return checked
  const loopback = /^(127\.\d{1,3}\.\d{1,3}\.\d{1,3})(?:\/(\d{1,2}))?$/.exec(text)
  if (loopback && ipaddr.IPv4.isValidFourPartDecimal(loopback[1]!)) {
    const prefix = loopback[2] === undefined ? 32 : Number(loopback[2])
    if (prefix < MIN_PREFIX.ipv4 || prefix > 32) {
      return {
        ok: false,
        reason: `"${text}" is too broad: the shortest prefix accepted is /${MIN_PREFIX.ipv4}`
      }
    }
    const net = networkOf(ipaddr.IPv4.parse(loopback[1]!), prefix)
    return { ok: true, value: prefix === 32 ? net.toString() : `${net.toString()}/${prefix}` }
  }
  if (text === '::1' || text === '::1/128') return { ok: true, value: '::1' }
  return checked
}

/**
 * An ignoreip entry to remove. Removing only narrows what fail2ban ignores, so any address or
 * network is accepted however broad: an entry stored before the breadth rule (the `0.0.0.0/0`
 * that `127.0.0.1/0` became) must be removable. fail2ban lists a /0 entry as the bare `0.0.0.0`
 * (or `::`) but finds it only as `0.0.0.0/0`, so a bare unspecified address is sent as /0.
 */
export function checkIgnoreIpRemoval(input: unknown): Checked<string> {
  const usual = checkIgnoreIp(input)
  if (usual.ok || typeof input !== 'string') return usual
  const text = input.trim()
  if (text.length > MAX_IP_TEXT || text.includes('%')) return usual
  if (text === '0.0.0.0') return { ok: true, value: '0.0.0.0/0' }
  if (text === '::') return { ok: true, value: '::/0' }
  const [addrText = '', prefixText, extra] = text.split('/')
  if (extra !== undefined) return usual
  const v4 = !addrText.includes(':')
  if (v4 ? !ipaddr.IPv4.isValidFourPartDecimal(addrText) : !ipaddr.IPv6.isValid(addrText))
    return usual
  let addr: ipaddr.IPv4 | ipaddr.IPv6 = v4
    ? ipaddr.IPv4.parse(addrText)
    : ipaddr.IPv6.parse(addrText)
  let bits = v4 ? 32 : 128
  let prefix = bits
  if (prefixText !== undefined) {
    if (!/^\d{1,3}$/.test(prefixText) || Number(prefixText) > bits) return usual
    prefix = Number(prefixText)
  }
  if (addr.kind() === 'ipv6' && (addr as ipaddr.IPv6).isIPv4MappedAddress() && prefix >= 96) {
    addr = (addr as ipaddr.IPv6).toIPv4Address()
    prefix -= 96
    bits = 32
  }
  if (prefix === bits) return { ok: true, value: formatAddr(addr) }
  return { ok: true, value: `${formatAddr(networkOf(addr, prefix))}/${prefix}` }
}

/** Splits pasted text into candidate IPs: lines, spaces, commas, semicolons and tabs separate. */
export function splitIpList(text: string): string[] {
  return text.split(/[\s,;]+/).filter((s) => s !== '')
}

export interface IpListCheck {
  valid: string[]
  invalid: { input: string; reason: string }[]
  duplicates: number
}

/** Checks many IPs at once, normalising and removing duplicates (kept in first-seen order). */
export function checkIpList(inputs: readonly string[]): IpListCheck {
  const seen = new Set<string>()
  const result: IpListCheck = { valid: [], invalid: [], duplicates: 0 }
  for (const input of inputs) {
    const c = checkIp(input)
    if (!c.ok) result.invalid.push({ input, reason: c.reason })
    else if (seen.has(c.value)) result.duplicates++
    else {
      seen.add(c.value)
      result.valid.push(c.value)
    }
  }
  return result
}

/** True when the text contains fail2ban's framing markers, which would corrupt a request. */
export function containsMarker(text: string): boolean {
  return text.includes(END_MARKER) || text.includes(CLOSE_MARKER)
}

function formatAddr(addr: ipaddr.IPv4 | ipaddr.IPv6): string {
  return addr.kind() === 'ipv6' ? (addr as ipaddr.IPv6).toRFC5952String() : addr.toString()
}

function networkOf(addr: ipaddr.IPv4 | ipaddr.IPv6, prefix: number): ipaddr.IPv4 | ipaddr.IPv6 {
  const bytes = addr.toByteArray()
  for (let i = 0; i < bytes.length; i++) {
    const keep = Math.max(0, Math.min(8, prefix - i * 8))
    bytes[i] = (bytes[i] ?? 0) & ((0xff << (8 - keep)) & 0xff)
  }
  return ipaddr.fromByteArray(bytes)
}

function truncate(s: string): string {
  return s.length > 40 ? `${s.slice(0, 40)}…` : s
}
