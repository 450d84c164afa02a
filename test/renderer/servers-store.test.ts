/** The servers feature: host-key questions asked once, the profile form, Test and Save. */
import { beforeEach, describe, expect, it, vi } from 'vitest'
import {
  initialManageState,
  mainMessage,
  useManageStore
} from '../../src/renderer/src/features/servers/manage-store.ts'
import {
  checkForm,
  EMPTY_FORM,
  profileFromForm
} from '../../src/renderer/src/features/servers/lib/profile-form.ts'
import { pendingHostKey, selectServers } from '../../src/renderer/src/features/servers/selectors.ts'
import {
  initialServersState,
  useServersStore
} from '../../src/renderer/src/features/servers/store.ts'
import { createFakeBangui, deferred, failure, type FakeBangui } from './fake-bangui.ts'
import { needsAccessScreen } from '../../src/renderer/src/features/access/selectors.ts'
import type { AccessState } from '../../src/shared/access.ts'
import { hostKey, server, serversState } from './servers-fixtures.ts'

let fake: FakeBangui
beforeEach(() => {
  fake = createFakeBangui()
  vi.stubGlobal('window', { bangui: fake.api })
  useServersStore.setState(initialServersState)
  useManageStore.setState(initialManageState)
})

/** The prompt the HostKeyDialog would show now. */
const prompt = () => {
  const s = useServersStore.getState()
  const t = useManageStore.getState().lastTest
  return pendingHostKey(
    selectServers(s),
    t && !t.result.ok ? { name: t.name, question: t.result.hostKey } : null,
    s.answered
  )
}

const unknownKey = (id: string, token: string) =>
  server(id, {
    status: 'failed',
    failure: 'host-key-unknown',
    message: 'The host key is unknown.',
    hostKey: hostKey(token)
  })

describe('host-key prompt', () => {
  it('asks for an unknown key, and "Not now" is final for that token', () => {
    useServersStore
      .getState()
      .apply(serversState('local', [server('local'), unknownKey('web', 'tokenAAAAAAAAAAAAAAA')]))
    expect(prompt()?.question.token).toBe('tokenAAAAAAAAAAAAAAA')
    expect(prompt()?.serverName).toBe('web')
    useServersStore.getState().dismissHostKey('tokenAAAAAAAAAAAAAAA')
    expect(prompt()).toBeNull()
    // main keeps reporting the same question on every poll: still no prompt (no loop).
    useServersStore
      .getState()
      .apply(serversState('local', [server('local'), unknownKey('web', 'tokenAAAAAAAAAAAAAAA')]))
    expect(prompt()).toBeNull()
    // a new question (another fetch, another token) is asked.
    useServersStore
      .getState()
      .apply(serversState('local', [server('local'), unknownKey('web', 'tokenBBBBBBBBBBBBBBB')]))
    expect(prompt()?.question.token).toBe('tokenBBBBBBBBBBBBBBB')
  })

  it('"Check host key…" asks a dismissed question again, only on that click', () => {
    useServersStore
      .getState()
      .apply(serversState('local', [unknownKey('web', 'tokenAAAAAAAAAAAAAAA')]))
    useServersStore.getState().dismissHostKey('tokenAAAAAAAAAAAAAAA')
    expect(prompt()).toBeNull()
    useServersStore.getState().askHostKeyAgain('tokenAAAAAAAAAAAAAAA')
    expect(prompt()?.question.token).toBe('tokenAAAAAAAAAAAAAAA')
  })

  it('accepting sends only the token, applies the new state and never asks that token again', async () => {
    useServersStore
      .getState()
      .apply(serversState('local', [unknownKey('web', 'tokenAAAAAAAAAAAAAAA')]))
    // main answers with the server still connecting (its next event may still carry the question)
    fake.answers.acceptHostKey = serversState('local', [unknownKey('web', 'tokenAAAAAAAAAAAAAAA')])
    expect(await useServersStore.getState().acceptHostKey('tokenAAAAAAAAAAAAAAA')).toBe(true)
    expect(fake.calls).toEqual([
      { name: 'acceptHostKey', request: { token: 'tokenAAAAAAAAAAAAAAA' } }
    ])
    expect(prompt()).toBeNull()
  })

  it('a refused accept shows main’s message and keeps asking', async () => {
    useServersStore
      .getState()
      .apply(serversState('local', [unknownKey('web', 'tokenAAAAAAAAAAAAAAA')]))
    fake.answers.acceptHostKey = failure('invalid-argument', 'That host-key question has expired.')
    expect(await useServersStore.getState().acceptHostKey('tokenAAAAAAAAAAAAAAA')).toBe(false)
    expect(useServersStore.getState().hostKeyError).toBe('That host-key question has expired.')
    expect(prompt()?.question.token).toBe('tokenAAAAAAAAAAAAAAA')
  })

  it('a Test that met an unknown key asks about it first, under the tested name', async () => {
    useServersStore
      .getState()
      .apply(serversState('local', [unknownKey('web', 'tokenAAAAAAAAAAAAAAA')]))
    useManageStore.getState().add()
    useManageStore.getState().setField('name', 'db')
    useManageStore.getState().setField('target', 'root@db.example:2222')
    fake.answers.testServer = {
      ok: false,
      failure: 'host-key-unknown',
      message: 'The host key of db.example is not known.',
      fix: null,
      hostKey: hostKey('tokenTTTTTTTTTTTTTTT')
    }
    await useManageStore.getState().test()
    expect(prompt()).toMatchObject({ serverName: 'db', fromTest: true })
    useServersStore.getState().dismissHostKey('tokenTTTTTTTTTTTTTTT')
    expect(prompt()?.serverName).toBe('web')
  })
})

describe('profile form', () => {
  it('leaves empty optional fields out and checks with the shared grammar', () => {
    const form = { ...EMPTY_FORM, name: ' web ', target: 'root@web.example:2222', sshConfig: '  ' }
    expect(profileFromForm(form)).toEqual({
      name: 'web',
      target: 'root@web.example:2222',
      become: 'root-login',
      helper: 'push'
    })
    expect(checkForm({ ...form, target: '-oProxyCommand=x' })).toMatchObject({
      ok: false,
      field: 'target'
    })
    expect(checkForm({ ...form, identityFile: 'id_ed25519' })).toMatchObject({
      ok: false,
      field: 'identityFile'
    })
    expect(checkForm(form)).toMatchObject({ ok: true })
  })

  it('Save with a bad field shows it next to the field and sends nothing', async () => {
    useManageStore.getState().add()
    useManageStore.getState().setField('name', 'web')
    useManageStore.getState().setField('target', 'root@web example')
    expect(await useManageStore.getState().save()).toBe(false)
    expect(useManageStore.getState().fieldError?.field).toBe('target')
    expect(fake.calls).toEqual([])
    // editing that field clears its error
    useManageStore.getState().setField('target', 'root@web.example')
    expect(useManageStore.getState().fieldError).toBeNull()
  })

  it('main’s refusal is shown without the request path; success applies the servers and closes the form', async () => {
    useManageStore.getState().show()
    useManageStore.getState().edit({ name: 'web', target: 'web', become: 'sudo', helper: 'push' })
    useManageStore.getState().setField('name', 'web2')
    fake.answers.saveServer = failure('invalid-argument', 'profile: A server named "web2" exists.')
    expect(await useManageStore.getState().save()).toBe(false)
    expect(useManageStore.getState().formError).toBe('A server named "web2" exists.')
    expect(fake.calls[0]).toEqual({
      name: 'saveServer',
      request: {
        previous: 'web',
        profile: { name: 'web2', target: 'web', become: 'sudo', helper: 'push' }
      }
    })
    fake.answers.saveServer = serversState('local', [server('local'), server('web2')])
    expect(await useManageStore.getState().save()).toBe(true)
    expect(useManageStore.getState().editing).toBe(false)
    expect(selectServers(useServersStore.getState()).map((s) => s.id)).toEqual(['local', 'web2'])
    expect(mainMessage('other: x')).toBe('other: x')
  })

  it('a Test answer for values since changed is dropped', async () => {
    useManageStore.getState().add()
    useManageStore.getState().setField('name', 'web')
    useManageStore.getState().setField('target', 'web')
    const answer = deferred<unknown>()
    fake.answers.testServer = () => answer.promise
    const running = useManageStore.getState().test()
    useManageStore.getState().setField('target', 'other')
    answer.resolve({ ok: true, version: '1.0.2', jails: ['sshd'], elapsedMs: 300 })
    await running
    expect(useManageStore.getState().lastTest).toBeNull()
  })

  it('remove asks first, then applies the new state', async () => {
    useServersStore.getState().apply(serversState('local', [server('local'), server('web')]))
    useManageStore.getState().askRemove('web')
    expect(useManageStore.getState().confirmRemove).toBe('web')
    fake.answers.removeServer = serversState('local', [server('local')])
    await useManageStore.getState().remove('web')
    expect(fake.calls).toEqual([{ name: 'removeServer', request: { id: 'web' } }])
    expect(useManageStore.getState().confirmRemove).toBeNull()
    expect(selectServers(useServersStore.getState())).toHaveLength(1)
  })
})

describe('retry and select', () => {
  it('a failed retry is kept per server; selecting the active server sends nothing', async () => {
    useServersStore.getState().apply(serversState('local', [server('local'), server('web')]))
    fake.answers.retryServer = failure('invalid-argument', 'No server named "web".')
    await useServersStore.getState().retry('web')
    expect(useServersStore.getState().actionErrors).toEqual({ web: 'No server named "web".' })
    expect(await useServersStore.getState().select('local')).toBe(true)
    expect(fake.names()).toEqual(['retryServer'])
  })
})

describe('the access screen and SSH servers', () => {
  const state = (mode: 'direct' | 'pkexec', helper: 'failed' | 'running') => ({
    access: {
      mode,
      helperPath: '/usr/lib/bangui/bangui-helper',
      helperInstalled: true,
      helper: { status: helper, version: null, message: 'pkexec: dismissed' },
      sudoersLine: '',
      sudoersCommands: [],
      runningAsRoot: false
    } as AccessState,
    choosing: null,
    sudoCheck: null,
    checkingSudo: false,
    error: null
  })

  it('covers this machine’s jails when its helper failed or the socket refused, never a remote server’s', () => {
    expect(needsAccessScreen(state('pkexec', 'failed'), 'connected')).toBe(true)
    expect(needsAccessScreen(state('direct', 'running'), 'permission-denied')).toBe(true)
    expect(needsAccessScreen(state('pkexec', 'failed'), 'connected', false)).toBe(false)
    expect(needsAccessScreen(state('direct', 'running'), 'permission-denied', false)).toBe(false)
    expect(needsAccessScreen(state('pkexec', 'running'), 'connected')).toBe(false)
  })
})
