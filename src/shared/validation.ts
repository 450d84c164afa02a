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

/** A jail name as fail2ban config sections use them: letters, digits and `_.@:+-`, 1–64 chars. */
export function checkJailName(name: unknown): Checked<string> {
  if (typeof name !== 'string') return { ok: false, reason: 'jail name must be text' }
  if (!JAIL_NAME.test(name)) {
    return {
      ok: false,
      reason: `"${truncate(name)}" is not a valid jail name (letters, digits and _ . @ : + - only, at most 64 characters)`
    }
  }
  return { ok: true, value: name }
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
    addr = ipaddr.IPv6.parse(addrText)
    if (addr.isIPv4MappedAddress()) addr = addr.toIPv4Address()
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

/** Like {@link checkIp}, for ignoreip entries, which may also be loopback networks. */
export function checkIgnoreIp(input: unknown): Checked<string> {
  if (typeof input !== 'string') return { ok: false, reason: 'ignoreip entry must be text' }
  const text = input.trim()
  const checked = checkIp(text)
  if (checked.ok) return checked
  if (
    /^(127\.\d+\.\d+\.\d+(\/\d+)?|::1(\/128)?)$/.test(text) &&
    ipaddr.isValidCIDR(text.includes('/') ? text : `${text}/${text.includes(':') ? 128 : 32}`)
  ) {
    return { ok: true, value: text }
  }
  return checked
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
