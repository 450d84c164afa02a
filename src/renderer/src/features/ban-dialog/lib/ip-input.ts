/**
 * The ban dialog's input, checked as the user types: split into candidates the way the shared
 * validation does, normalised, de-duplicated, each refusal with its reason. Pure; reuses
 * src/shared/validation.ts (the same rules the IPC boundary and the client apply).
 */
import {
  checkIpList,
  MAX_IPS_PER_REQUEST,
  splitIpList,
  type IpListCheck
} from '../../../../../shared/validation.ts'

export interface IpInputSummary extends IpListCheck {
  /** How many candidates the text holds (valid + invalid + duplicates). */
  tokens: number
  /** More valid IPs than one request may carry. */
  overLimit: boolean
}

export const EMPTY_SUMMARY: IpInputSummary = Object.freeze({
  valid: [],
  invalid: [],
  duplicates: 0,
  tokens: 0,
  overLimit: false
})

/** Checks the whole text: lines, spaces, commas, semicolons and tabs separate entries. */
export function summarizeIpInput(text: string): IpInputSummary {
  const tokens = splitIpList(text)
  if (tokens.length === 0) return EMPTY_SUMMARY
  const check = checkIpList(tokens)
  return { ...check, tokens: tokens.length, overLimit: check.valid.length > MAX_IPS_PER_REQUEST }
}

/** A ban may be sent when something valid is there and nothing invalid or too much. */
export function isSubmittable(s: IpInputSummary): boolean {
  return s.valid.length > 0 && s.invalid.length === 0 && !s.overLimit
}

/** Why the ban cannot be sent yet, in words; null when it can. */
export function blockingReason(s: IpInputSummary): string | null {
  if (s.tokens === 0) return 'Enter at least one IP address or network.'
  if (s.invalid.length > 0) {
    const n = s.invalid.length
    return `Fix or remove the ${n === 1 ? 'invalid entry' : `${n} invalid entries`} first.`
  }
  if (s.overLimit) return `At most ${MAX_IPS_PER_REQUEST.toLocaleString('en-US')} IPs per ban.`
  if (s.valid.length === 0) return 'Enter at least one IP address or network.'
  return null
}
