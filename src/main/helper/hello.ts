/**
 * The helper's first frame, `(0, ['bangui-helper', version])`, as every launcher (local pkexec/
 * sudo, remote over ssh) recognizes it: one definition, so a helper accepted on one transport is
 * accepted on the other.
 */

const HELLO_NAME = 'bangui-helper'
const VERSION = /^[0-9][0-9A-Za-z.+-]{0,31}$/

/** The version the hello carries, or undefined when the frame is not the helper's hello. */
export function helloVersion(value: unknown): string | undefined {
  if (!Array.isArray(value) || value.length !== 2 || value[0] !== 0) return undefined
  const body: unknown = value[1]
  if (!Array.isArray(body) || body.length !== 2 || body[0] !== HELLO_NAME) return undefined
  const version: unknown = body[1]
  return typeof version === 'string' && VERSION.test(version) ? version : undefined
}
