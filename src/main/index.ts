/**
 * App lifecycle only: single-instance lock, services, IPC, window. Everything it wires is
 * built and tested elsewhere without Electron.
 */
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { app, BrowserWindow, session } from 'electron'
import { consoleLogger } from './console-logger.ts'
import { registerIpc, windowEventSink } from './ipc/bind.ipc.ts'
import { createDispatch } from './ipc/registry.ts'
import { createAppServices } from './services/app-services.ts'
import { hardenContents, hardenSession, windowOptions } from './window/security.ts'

const logger = consoleLogger()

if (!app.requestSingleInstanceLock()) {
  app.quit()
} else {
  let win: BrowserWindow | null = null
  const rendererUrl = process.env.ELECTRON_RENDERER_URL
  const appUrl = (): string =>
    rendererUrl ?? pathToFileURL(join(import.meta.dirname, '../renderer/index.html')).href

  const services = createAppServices({
    socketPath: process.env.BANGUI_SOCKET,
    confDir: process.env.BANGUI_FAIL2BAN_CONF,
    logger
  })
  services.events.subscribe(windowEventSink(() => win))

  const createWindow = (): void => {
    win = new BrowserWindow(windowOptions(join(import.meta.dirname, '../preload/index.cjs')))
    hardenContents(win.webContents, (what, url) => logger.warn('blocked', { what, url }))
    win.once('ready-to-show', () => win?.show())
    win.on('closed', () => (win = null))
    void win.loadURL(appUrl())
  }

  app.on('second-instance', () => {
    if (win) {
      if (win.isMinimized()) win.restore()
      win.focus()
    }
  })

  app.on('web-contents-created', (_e, contents) => hardenContents(contents))

  void app.whenReady().then(async () => {
    hardenSession(session.defaultSession)
    registerIpc(createDispatch(services, logger), () => win, appUrl, logger)
    createWindow()
    await services.start()
  })

  app.on('window-all-closed', () => app.quit())
  app.on('before-quit', () => void services.dispose())
}
