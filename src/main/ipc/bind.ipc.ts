/**
 * The one file that binds the contract to Electron's ipcMain: sender check, then `dispatch`
 * (schema parse, handler, error mapping). Events go to the window through webContents.send.
 */
import { ipcMain, type BrowserWindow } from 'electron'
import { channelOf, invokeNames, type Result } from '../../shared/contract.ts'
import type { Logger } from '../fail2ban/index.ts'
import type { EventSink } from '../services/events.ts'
import { isTrustedSender } from '../window/security.ts'
import type { Dispatch } from './registry.ts'

export function registerIpc(
  dispatch: Dispatch,
  getWindow: () => BrowserWindow | null,
  appUrl: () => string,
  logger: Logger,
  /** Records a refused request (main: the audit log's rate-limited `refused`). */
  onRefused?: (channel: string, reason: string) => void
): () => void {
  for (const name of invokeNames) {
    ipcMain.handle(channelOf(name), async (event, request: unknown): Promise<Result<unknown>> => {
      const win = getWindow()
      if (
        !win ||
        event.sender !== win.webContents ||
        !isTrustedSender(event.senderFrame, win.webContents.mainFrame, appUrl())
      ) {
        logger.warn('IPC from an untrusted sender refused', {
          channel: name,
          url: event.senderFrame?.url
        })
        onRefused?.(name, `untrusted sender ${String(event.senderFrame?.url ?? '(no frame)')}`)
        return {
          ok: false,
          error: { code: 'forbidden', message: 'request refused: untrusted sender' }
        }
      }
      return dispatch(name, request)
    })
  }
  return () => {
    for (const name of invokeNames) ipcMain.removeHandler(channelOf(name))
  }
}

/** An event sink that sends to the window, if it is open. */
export function windowEventSink(getWindow: () => BrowserWindow | null): EventSink {
  return (name, payload) => {
    const win = getWindow()
    if (win && !win.isDestroyed()) win.webContents.send(channelOf(name), payload)
  }
}
