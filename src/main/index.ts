/**
 * App lifecycle only: single-instance lock, settings and log file, services, IPC, window, tray,
 * notifications. Everything it wires is built and tested elsewhere without Electron.
 */
import { join } from 'node:path'
import { app, BrowserWindow, Notification, protocol, session } from 'electron'
import type { Jail } from '../shared/model.ts'
import { registerIpc, windowEventSink } from './ipc/bind.ipc.ts'
import { createDispatch } from './ipc/registry.ts'
import { createFileLogger, type LogLevel } from './logging.ts'
import { createAppServices } from './services/app-services.ts'
import { readHelperSource } from './helper/helper-source.ts'
import { LOCAL_SERVER_ID, type ServersState } from '../shared/servers.ts'
import { approveSshConfig } from './window/approve-ssh-config.ts'
import { NotifierService } from './services/notifier.service.ts'
import { SettingsService } from './services/settings.service.ts'
import { createTray, type AppTray } from './tray/tray.ts'
import type { TrayAction, TrayInput } from './tray/tray-model.ts'
import { rootRefusal } from './root-guard.ts'
import {
  APP_SCHEME,
  APP_SCHEME_PRIVILEGES,
  appProtocolHandler,
  rendererUrl
} from './window/app-protocol.ts'
import { createAppWindow, hardenContents, hardenSession } from './window/security.ts'

const refusal = rootRefusal(process.getuid?.(), process.argv)
if (refusal !== null) {
  console.error(refusal)
  app.exit(1)
} else if (!app.requestSingleInstanceLock()) {
  app.quit()
} else {
  // Before ready: app:// must be a standard, secure scheme for the renderer's module scripts.
  protocol.registerSchemesAsPrivileged([APP_SCHEME_PRIVILEGES])
  const userData = app.getPath('userData')
  const logger = createFileLogger(join(userData, 'logs'), {
    level: (process.env.BANGUI_LOG_LEVEL as LogLevel | undefined) || 'info',
    console: !app.isPackaged
  })
  const settings = SettingsService.load({
    file: join(userData, 'settings.json'),
    socketPathOverride: process.env.BANGUI_SOCKET,
    logger
  })
  const services = createAppServices({
    settings,
    auditFile: join(userData, 'audit.jsonl'),
    confDir: process.env.BANGUI_FAIL2BAN_CONF,
    ssh: {
      helperSource: readHelperSource(app.isPackaged, app.getAppPath(), logger),
      approveSshConfig: (server, path) => approveSshConfig(win, server, path)
    },
    logger
  })

  let win: BrowserWindow | null = null
  let tray: AppTray | null = null
  let quitting = false
  let jails: Jail[] = []
  // The dev server only in an unpackaged app; otherwise the app:// page (window/app-protocol.ts).
  const pageUrl = rendererUrl(app.isPackaged, process.env)
  const appUrl = (): string => pageUrl

  // the tray shows this machine's jails, or with SSH servers one line per server
  const trayInput = (): TrayInput => ({
    jails,
    connection: services.local.connection.state,
    paused: services.local.monitor.paused,
    windowVisible: win?.isVisible() ?? false,
    servers: services.fleet
      .state()
      .servers.map((s) => ({ name: s.name, status: s.status, banned: s.banned }))
  })
  const refreshTray = (): void => void tray?.update(trayInput())

  // one notifier per server: each diffs its own jails, and an SSH server's names the server
  const notifiers = new Map<string, NotifierService>()
  const notifierOf = (server: string): NotifierService => {
    let n = notifiers.get(server)
    if (!n)
      notifiers.set(
        server,
        (n = new NotifierService({
          show: (title, body) => {
            if (!Notification.isSupported()) return
            const note = new Notification({ title, body })
            note.on('click', () => showWindow())
            note.show()
          },
          isQuiet: () => win?.isFocused() ?? false,
          settings: () => settings.current.notifications,
          ...(server !== LOCAL_SERVER_ID ? { server } : {})
        }))
      )
    return n
  }

  services.events.subscribe(windowEventSink(() => win))
  services.fleet.onServerEvent((server, name, payload) => {
    notifierOf(server).sink(name, payload)
    if (server === LOCAL_SERVER_ID && name === 'jailsChanged') jails = payload as Jail[]
  })
  services.events.subscribe((name, payload) => {
    if (name === 'serversChanged' || name === 'connectionChanged') refreshTray()
    if (name !== 'serversChanged') return
    // a removed server's notifier goes: a new server of that name starts from its own counts
    const ids = new Set((payload as ServersState).servers.map((s) => s.id))
    for (const [id, n] of notifiers)
      if (!ids.has(id)) {
        n.dispose()
        notifiers.delete(id)
      }
  })

  const createWindow = (show: boolean): void => {
    const w = createAppWindow(BrowserWindow, join(import.meta.dirname, '../preload/index.cjs'))
    win = w
    hardenContents(w.webContents, (what, url) => logger.warn('blocked', { what, url }))
    w.once('ready-to-show', () => {
      if (show) w.show()
    })
    w.on('close', (e) => {
      // Close to tray: hide instead, unless quitting or there is no tray to come back from.
      if (!quitting && tray && settings.current.closeToTray) {
        e.preventDefault()
        w.hide()
      }
    })
    w.on('show', refreshTray)
    w.on('hide', refreshTray)
    w.on('closed', () => {
      win = null
      refreshTray()
    })
    void w.loadURL(appUrl())
  }

  const showWindow = (): void => {
    if (!win) return createWindow(true)
    if (win.isMinimized()) win.restore()
    win.show()
    win.focus()
  }

  const onTrayAction = (action: TrayAction): void => {
    if (action === 'toggle-window') {
      if (win?.isVisible()) win.hide()
      else showWindow()
    } else if (action === 'toggle-pause') {
      const paused = !services.local.monitor.paused
      for (const s of services.fleet.servers) s.services.monitor.setPaused(paused)
      logger.info(paused ? 'monitoring paused' : 'monitoring resumed')
      refreshTray()
    } else {
      quitting = true
      app.quit()
    }
  }

  app.on('second-instance', showWindow)
  app.on('web-contents-created', (_e, contents) => hardenContents(contents))

  void app.whenReady().then(async () => {
    hardenSession(session.defaultSession)
    protocol.handle(APP_SCHEME, appProtocolHandler(join(import.meta.dirname, '../renderer')))
    registerIpc(
      createDispatch(services, logger),
      () => win,
      appUrl,
      logger,
      (channel, reason) => {
        void services.audit
          .refused({
            time: new Date().toISOString(),
            action: 'refused',
            target: null,
            params: { channel },
            result: { ok: false, code: 'forbidden', message: reason.slice(0, 300) },
            durationMs: 0
          })
          .catch((err: unknown) => logger.error('audit log write failed', { err: String(err) }))
      }
    )
    try {
      tray = createTray(onTrayAction, trayInput())
    } catch (err) {
      logger.warn('no tray icon: the desktop offers no status area', { err: String(err) })
    }
    // Start hidden only if the tray can bring the window back.
    createWindow(!(settings.current.startMinimized && tray))
    await services.start()
  })

  app.on('window-all-closed', () => app.quit())
  app.on('before-quit', () => {
    quitting = true
  })
  let cleanedUp = false
  app.on('will-quit', (e) => {
    if (cleanedUp) return
    e.preventDefault()
    for (const n of notifiers.values()) n.dispose()
    tray?.destroy()
    tray = null
    const done = Promise.allSettled([services.dispose()]).then(() => logger.close())
    const deadline = new Promise((resolve) => setTimeout(resolve, 2000))
    void Promise.race([done, deadline]).finally(() => {
      cleanedUp = true
      app.quit()
    })
  })
}
