/**
 * The reconnect probe must ask the server every time: a cached answer (the version) reported
 * "connected" with the server down and zero commands sent.
 */
import { afterAll, beforeAll, expect, it } from 'vitest'
import { createAppServices, type AppServices } from '../src/main/services/app-services.ts'
import { startTestServer, type TestServer } from './support/f2b-server.ts'
import { logRecorder } from './support/log-recorder.ts'

let server: TestServer
let services: AppServices
const log = logRecorder()
const sent = (cmd: string): number =>
  log.entries.filter((e) => e.msg === 'send' && e.fields.cmd === cmd).length

beforeAll(async () => {
  server = await startTestServer()
  services = createAppServices({
    socketPath: server.socketPath,
    logger: log.logger,
    reconnectBackoffMs: 60_000
  })
  await services.connection.check()
})
afterAll(async () => {
  await services?.dispose()
  await server?.stop()
})

it('each check sends a ping; a stopped server is seen at once; the version is fetched afresh', async () => {
  expect(services.connection.state.status).toBe('connected')
  const pings = sent('ping')
  await services.connection.check()
  expect(sent('ping')).toBe(pings + 1)

  await server.stop()
  const down = await services.connection.check()
  expect(down.status).toBe('socket-missing')
  expect(sent('ping')).toBe(pings + 2)

  await server.restart()
  const versions = sent('version')
  const up = await services.connection.check()
  expect(up.status).toBe('connected')
  const t0 = performance.now()
  while (sent('version') === versions && performance.now() - t0 < 2000)
    await new Promise((r) => setTimeout(r, 10))
  expect(sent('version')).toBe(versions + 1)
})
