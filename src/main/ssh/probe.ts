/**
 * A first question to a fresh session, before it is handed to Fail2BanClient: does fail2ban
 * answer behind the helper? (With the default socket the helper starts even when fail2ban is
 * down, and says so in a ConnectionError reply.) Also the "Test" button of a profile.
 */
import type { Duplex } from 'node:stream'
import { frameRequest, ReplyReader } from '../fail2ban/framing.ts'
import { decodeReply, encodeCommand, isTruncationError } from '../fail2ban/pickle.ts'
import { classifyReplyError, SshError } from './failures.ts'
import { launchRemoteHelper, type LaunchOptions, type RemoteHelper } from './launcher.ts'
import type { ServerProfile } from './profile.ts'

const PROBE_MAX_BYTES = 1024 * 1024

/**
 * Sends one command on an idle stream and reads its one reply; leaves the stream paused with no
 * listener of ours. Only for a stream nobody else reads yet.
 */
export function exchangeOnce(stream: Duplex, args: string[], timeoutMs: number): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const reader = new ReplyReader({
      maxBytes: PROBE_MAX_BYTES,
      decode: decodeReply,
      isTruncation: isTruncationError
    })
    const finish = (err: Error | undefined, value?: unknown): void => {
      clearTimeout(timer)
      stream.off('data', onData)
      stream.off('end', onEnd)
      stream.off('error', onEnd)
      stream.pause()
      if (err) reject(err)
      else resolve(value)
    }
    const onData = (chunk: Buffer): void => {
      try {
        const r = reader.push(chunk)
        if (r.done) finish(undefined, r.value)
      } catch (e) {
        finish(e as Error)
      }
    }
    const onEnd = (): void => finish(new Error('the session ended before the reply'))
    const timer = setTimeout(
      () => finish(new Error(`no reply within ${Math.round(timeoutMs / 1000)} s`)),
      timeoutMs
    )
    stream.on('data', onData)
    stream.once('end', onEnd)
    stream.once('error', onEnd)
    stream.resume()
    stream.write(frameRequest(encodeCommand(args)))
  })
}

/** Pings fail2ban through a fresh session; throws a typed SshError when it does not answer. */
export async function checkFail2ban(
  server: string,
  helper: RemoteHelper,
  timeoutMs = 15_000
): Promise<void> {
  let reply: unknown
  try {
    reply = await exchangeOnce(helper.stream, ['ping'], timeoutMs)
  } catch (e) {
    throw new SshError(
      'helper-failed',
      server,
      `${server}: the helper did not answer a ping (${(e as Error).message}).`,
      helper.stderrTail()
    )
  }
  if (Array.isArray(reply) && reply[0] === 0 && reply[1] === 'pong') return
  const down = classifyReplyError(server, reply)
  if (down) throw down
  throw new SshError(
    'helper-failed',
    server,
    `${server}: unexpected answer to a ping: ${JSON.stringify(reply).slice(0, 200)}`
  )
}

export interface ProfileTestResult {
  version: string
  jails: string[]
  elapsedMs: number
}

/** Connects, checks fail2ban, lists the jails, disconnects: the profile's "Test" button. */
export async function testProfile(
  profile: ServerProfile,
  opts: LaunchOptions = {}
): Promise<ProfileTestResult> {
  const t0 = performance.now()
  const helper = await launchRemoteHelper(profile, opts)
  try {
    await checkFail2ban(profile.name, helper)
    const status = await exchangeOnce(helper.stream, ['status'], 15_000)
    return { version: helper.version, jails: jailList(status), elapsedMs: performance.now() - t0 }
  } finally {
    helper.kill()
    await helper.exited
  }
}

function jailList(status: unknown): string[] {
  if (!Array.isArray(status) || status[0] !== 0 || !Array.isArray(status[1])) return []
  for (const entry of status[1] as unknown[]) {
    if (Array.isArray(entry) && entry[0] === 'Jail list' && typeof entry[1] === 'string') {
      return entry[1] === '' ? [] : entry[1].split(', ')
    }
  }
  return []
}
