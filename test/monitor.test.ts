/**
 * MonitorService decisions that need no server: which fetches a poll makes.
 */
import { describe, expect, it } from 'vitest'
import type { Ban, JailCounts } from '../src/shared/model.ts'
import type { Fail2BanCommands } from '../src/main/fail2ban/index.ts'
import type { ConnectionService } from '../src/main/services/connection.service.ts'
import { MonitorService } from '../src/main/services/monitor.service.ts'

const counts = (banned: number, total = banned): JailCounts => ({
  currentlyFailed: 0,
  totalFailed: 0,
  currentlyBanned: banned,
  totalBanned: total
})
const ban = (ip: string): Ban => ({
  ip,
  jail: 'sshd',
  bannedAt: 1,
  bantime: 600,
  expiresAt: 2,
  permanent: false
})

function setup(state: { counts: JailCounts; bans: Ban[] }) {
  const fetched: string[] = []
  const events: { name: string; payload: unknown }[] = []
  const commands = {
    allJailCounts: async () => new Map([['sshd', state.counts]]),
    banList: async (jail: string) => {
      fetched.push(jail)
      return state.bans
    }
  } as unknown as Fail2BanCommands
  const connection = {
    connected: true,
    check: async () => undefined,
    reportSuccess: () => undefined,
    reportError: (e: unknown) => {
      throw e
    }
  } as unknown as ConnectionService
  const monitor = new MonitorService({
    commands,
    connection,
    emit: (name, payload) => events.push({ name, payload })
  })
  return { monitor, fetched, events }
}

describe('MonitorService', () => {
  it('does not fetch the full list again right after the UI seeded it', async () => {
    const state = { counts: counts(2), bans: [ban('192.0.2.1'), ban('192.0.2.2')] }
    const { monitor, fetched } = setup(state)
    await monitor.pollNow()
    monitor.watch('sshd')
    monitor.seedWatched('sshd', state.bans)
    await monitor.pollNow()
    expect(fetched).toEqual([])
  })

  it('fetches and diffs the watched list once its counts change', async () => {
    const state = { counts: counts(1), bans: [ban('192.0.2.1')] }
    const { monitor, fetched, events } = setup(state)
    await monitor.pollNow()
    monitor.watch('sshd')
    monitor.seedWatched('sshd', state.bans)
    state.counts = counts(1, 2)
    state.bans = [ban('192.0.2.9')]
    await monitor.pollNow()
    expect(fetched).toEqual(['sshd'])
    expect(events.filter((e) => e.name === 'bansChanged').at(-1)?.payload).toEqual({
      jail: 'sshd',
      added: [ban('192.0.2.9')],
      removed: ['192.0.2.1']
    })
  })

  it('without a seed, the first poll of a watched jail fetches its list', async () => {
    const { monitor, fetched } = setup({ counts: counts(1), bans: [ban('192.0.2.1')] })
    monitor.watch('sshd')
    await monitor.pollNow()
    expect(fetched).toEqual(['sshd'])
  })
})
