/**
 * The native question before ssh reads a `-F` config file named in the window: ssh runs the
 * commands such a file holds (ProxyCommand, Match exec, KnownHostsCommand) as the user, so the
 * path must be the admin's choice, not only the window's (a compromised renderer could name a
 * file it got onto the disk, e.g. through an export). Electron's dialog is drawn by main; the
 * renderer cannot answer it.
 */
import { dialog, type BrowserWindow } from 'electron'

export async function approveSshConfig(
  win: BrowserWindow | null,
  server: string,
  path: string
): Promise<boolean> {
  const options = {
    type: 'warning' as const,
    buttons: ['Cancel', 'Use this file'],
    defaultId: 0,
    cancelId: 0,
    title: 'ssh config file',
    message: `Let ssh read ${path} for the server "${server}"?`,
    detail:
      'ssh runs the commands an ssh config file holds (ProxyCommand, Match exec, ' +
      'KnownHostsCommand) as you. Use it only if it is your own file.'
  }
  const r = win ? await dialog.showMessageBox(win, options) : await dialog.showMessageBox(options)
  return r.response === 1
}
