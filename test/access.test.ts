/**
 * AccessService: the helper starts only after the admin opted in, a failed start stays failed
 * with its reason (no prompt loop), concurrent choices share one start, and the sudoers advice
 * names this user and the installed helper exactly.
 */
import { describe, expect, it } from 'vitest'
import type { AccessMode, AccessState } from '../src/shared/access.ts'
import {
  AccessService,
  RETRY_PAUSE_MS,
  type ActivateAccess
} from '../src/main/services/access.service.ts'

function setup(opts: { saved?: AccessMode; activate?: ActivateAccess } = {}) {
  let saved: AccessMode = opts.saved ?? 'direct'
  let clock = 1_000_000
  const activations: AccessMode[] = []
  const events: AccessState[] = []
  const service = new AccessService({
    helperPath: '/usr/lib/bangui/bangui-helper',
    loadMode: () => saved,
    saveMode: async (m) => {
      saved = m
    },
    activate: async (mode) => {
      activations.push(mode)
      return opts.activate ? opts.activate(mode) : { helperVersion: mode === 'direct' ? null : '1' }
    },
    emit: (name, payload) => {
      if (name === 'accessChanged') events.push(payload as AccessState)
    },
    username: 'alice',
    runningAsRoot: false,
    now: () => clock
  })
  return {
    service,
    activations,
    events,
    saved: () => saved,
    advance: (ms: number) => (clock += ms)
  }
}

describe('AccessService', () => {
  it('starts the remembered mode at launch and never the helper unless chosen before', async () => {
    const direct = setup()
    await direct.service.start()
    expect(direct.activations).toEqual(['direct'])
    expect(direct.service.state().helper.status).toBe('stopped')

    const remembered = setup({ saved: 'pkexec' })
    const state = await remembered.service.start()
    expect(remembered.activations).toEqual(['pkexec'])
    expect(state.helper).toEqual({ status: 'running', version: '1', message: '' })
  })

  it('remembers a choice and reports starting, then running', async () => {
    const t = setup()
    const state = await t.service.choose('sudo')
    expect(t.saved()).toBe('sudo')
    expect(state.mode).toBe('sudo')
    expect(t.events.map((e) => e.helper.status)).toEqual(['starting', 'running'])
  })

  it('keeps a failed start failed with its reason and does not try again by itself', async () => {
    const t = setup({
      activate: async () => {
        throw new Error('pkexec: authentication was dismissed')
      }
    })
    const state = await t.service.choose('pkexec')
    expect(state.helper.status).toBe('failed')
    expect(state.helper.message).toBe('pkexec: authentication was dismissed')
    await new Promise((r) => setTimeout(r, 50))
    expect(t.activations).toEqual(['pkexec'])
    // not remembered: the next start does not ask for the password again
    expect(t.saved()).toBe('direct')
    // asked again at once: refused (no dialog storm); after the pause: tried again
    await t.service.choose('pkexec')
    expect(t.activations).toEqual(['pkexec'])
    t.advance(RETRY_PAUSE_MS)
    await t.service.choose('pkexec')
    expect(t.activations).toEqual(['pkexec', 'pkexec'])
  })

  it('shares one start between concurrent choices (one password prompt)', async () => {
    let release!: () => void
    const t = setup({
      activate: () =>
        new Promise((resolve) => {
          release = () => resolve({ helperVersion: '1' })
        })
    })
    const a = t.service.choose('pkexec')
    const b = t.service.choose('pkexec')
    await new Promise((r) => setTimeout(r, 10))
    release()
    await Promise.all([a, b])
    expect(t.activations).toEqual(['pkexec'])
  })

  it('marks the helper failed when it exits on its own, without restarting it', async () => {
    const t = setup()
    await t.service.choose('pkexec')
    t.service.helperExited('the helper exited (signal SIGKILL)')
    expect(t.service.state().helper).toMatchObject({
      status: 'failed',
      message: 'the helper exited (signal SIGKILL)'
    })
    expect(t.activations).toEqual(['pkexec'])
  })

  it('refuses a mode that does not exist', async () => {
    const t = setup()
    await expect(t.service.choose('root' as AccessMode)).rejects.toThrow(/unknown access/)
    expect(t.activations).toEqual([])
  })

  it('gives the sudoers line for this user and exactly the installed helper with --stdio', () => {
    const s = setup().service.state()
    expect(s.sudoersLine).toBe('alice ALL=(root) NOPASSWD: /usr/lib/bangui/bangui-helper --stdio')
    expect(s.sudoersCommands.some((c) => c.startsWith('sudo visudo -cf '))).toBe(true)
  })

  it('names the exact arguments the app passes, so the sudoers rule matches them', () => {
    const s = new AccessService({
      helperPath: '/usr/lib/bangui/bangui-helper',
      helperArgs: ['--socket', '/run/f2b/other.sock'],
      loadMode: () => 'direct',
      saveMode: async () => undefined,
      activate: async () => ({ helperVersion: null }),
      emit: () => undefined,
      username: 'alice'
    }).state()
    expect(s.sudoersLine).toBe(
      'alice ALL=(root) NOPASSWD: /usr/lib/bangui/bangui-helper --stdio --socket /run/f2b/other.sock'
    )
  })
})
