import { describe, expect, it } from 'vitest'
import { MAX_IPS_PER_REQUEST } from '../../src/shared/validation.ts'
import {
  blockingReason,
  EMPTY_SUMMARY,
  isSubmittable,
  summarizeIpInput
} from '../../src/renderer/src/features/ban-dialog/lib/ip-input.ts'

describe('the ban dialog input, checked as you type', () => {
  it('splits on lines, spaces, commas and semicolons; normalises; drops duplicates', () => {
    const s = summarizeIpInput(
      '203.0.113.10\n2001:DB8::10, 203.0.113.10;198.51.100.0/24\t::ffff:192.0.2.4'
    )
    expect(s.valid).toEqual(['203.0.113.10', '2001:db8::10', '198.51.100.0/24', '192.0.2.4'])
    expect(s.duplicates).toBe(1)
    expect(s.invalid).toEqual([])
    expect(s.tokens).toBe(5)
    expect(isSubmittable(s)).toBe(true)
    expect(blockingReason(s)).toBeNull()
  })

  it('gives each refusal its reason (from the shared validation)', () => {
    const s = summarizeIpInput('192.0.2.1 not-an-ip 10.0.0.0/4 127.0.0.1 300.1.1.1')
    expect(s.valid).toEqual(['192.0.2.1'])
    expect(s.invalid.map((x) => x.input)).toEqual([
      'not-an-ip',
      '10.0.0.0/4',
      '127.0.0.1',
      '300.1.1.1'
    ])
    expect(s.invalid[0]!.reason).toMatch(/not a valid IPv4 address/)
    expect(s.invalid[1]!.reason).toMatch(/too broad/)
    expect(s.invalid[2]!.reason).toMatch(/lock out this host/)
    expect(isSubmittable(s)).toBe(false)
    expect(blockingReason(s)).toBe('Fix or remove the 4 invalid entries first.')
  })

  it('a network is normalised to its base address', () => {
    expect(summarizeIpInput('192.0.2.77/24').valid).toEqual(['192.0.2.0/24'])
  })

  it('empty or blank text is the empty summary and cannot be sent', () => {
    expect(summarizeIpInput('')).toBe(EMPTY_SUMMARY)
    expect(summarizeIpInput(' \n ,, ')).toBe(EMPTY_SUMMARY)
    expect(isSubmittable(EMPTY_SUMMARY)).toBe(false)
    expect(blockingReason(EMPTY_SUMMARY)).toMatch(/at least one/)
  })

  it('more valid IPs than one request may carry are flagged', () => {
    const n = MAX_IPS_PER_REQUEST + 1
    const text = Array.from(
      { length: n },
      (_, i) => `10.${i >> 16}.${(i >> 8) & 255}.${i & 255}`
    ).join('\n')
    const s = summarizeIpInput(text)
    expect(s.valid).toHaveLength(n)
    expect(s.overLimit).toBe(true)
    expect(isSubmittable(s)).toBe(false)
  })

  it('more than one request may carry is refused', () => {
    const over = {
      ...EMPTY_SUMMARY,
      valid: new Array<string>(MAX_IPS_PER_REQUEST + 1).fill('x'),
      tokens: 1,
      overLimit: true
    }
    expect(isSubmittable(over)).toBe(false)
    expect(blockingReason(over)).toMatch(/At most 200,000/)
  })
})
