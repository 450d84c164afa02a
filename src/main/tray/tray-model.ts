/**
 * The tray as plain data: from the jails' ban counts, the connection state, whether monitoring
 * is paused and whether the window shows, it computes the icon's label and state, the tooltip,
 * and the context menu (items with action ids, not callbacks). tray.ts turns that into Electron
 * objects; everything here is tested in plain Node.
 */
import type { ConnectionStatus, Jail } from '../../shared/model.ts'
import type { ServerStatus } from '../../shared/servers.ts'
import { displayJailName, displayServerName } from '../../shared/validation.ts'

export type TrayIconState = 'ok' | 'banned' | 'disconnected' | 'paused'

/** What the tray icon shows: a count label and a state (colour and look). */
export interface TrayIconSpec {
  label: string
  state: TrayIconState
}

/** Menu actions, handled by main. */
export type TrayAction = 'toggle-window' | 'toggle-pause' | 'quit'

export type TrayMenuItem =
  { type: 'normal'; label: string; enabled: boolean; id?: TrayAction } | { type: 'separator' }

export interface TrayInput {
  jails: readonly Pick<Jail, 'name' | 'currentlyBanned' | 'running'>[]
  connection: { status: ConnectionStatus; message?: string }
  paused: boolean
  windowVisible: boolean
  /**
   * Every server, this machine first, when the admin has SSH servers: the icon then counts the
   * fleet's bans and the menu has one line per server instead of one per jail.
   */
  servers?: readonly TrayServer[]
}

export interface TrayServer {
  name: string
  status: ServerStatus
  banned: number
}

export interface TrayView {
  /** Current bans over all running jails. */
  total: number
  label: string
  tooltip: string
  icon: TrayIconSpec
  menu: TrayMenuItem[]
}

/** Jails listed in the menu and tooltip before "… and N more". */
export const MAX_JAILS_SHOWN = 12

/** The count as the icon shows it: `0` … `999`, then `999+`. */
export function countLabel(count: number): string {
  if (!Number.isFinite(count) || count <= 0) return '0'
  return count > 999 ? '999+' : String(Math.floor(count))
}

export function trayView(input: TrayInput): TrayView {
  if (input.servers && input.servers.length > 1) return fleetView(input, input.servers)
  const running = input.jails
    .filter((j) => j.running)
    .slice()
    .sort((a, b) => b.currentlyBanned - a.currentlyBanned || a.name.localeCompare(b.name))
  const total = running.reduce((n, j) => n + j.currentlyBanned, 0)
  const connected = input.connection.status === 'connected'
  const label = countLabel(total)
  const state: TrayIconState = !connected
    ? 'disconnected'
    : input.paused
      ? 'paused'
      : total > 0
        ? 'banned'
        : 'ok'

  const shown = running.slice(0, MAX_JAILS_SHOWN)
  const more = running.length - shown.length
  // Jail names come from the server: shown through displayJailName (no menu or markup syntax).
  const jailLine = (j: (typeof running)[number]): string =>
    `${displayJailName(j.name)}: ${j.currentlyBanned} banned`

  const tooltipLines = [`BanGUI: ${headline(state, total, input.connection.message)}`]
  if (connected) {
    tooltipLines.push(...shown.map(jailLine))
    if (more > 0) tooltipLines.push(`… and ${more} more jail${more === 1 ? '' : 's'}`)
  }

  const jailItems: TrayMenuItem[] = !connected
    ? [{ type: 'normal', label: 'Not connected to fail2ban', enabled: false }]
    : running.length === 0
      ? [{ type: 'normal', label: 'No jails running', enabled: false }]
      : [
          ...shown.map((j): TrayMenuItem => ({
            type: 'normal',
            label: jailLine(j),
            enabled: false
          })),
          ...(more > 0
            ? [
                {
                  type: 'normal',
                  label: `… and ${more} more jail${more === 1 ? '' : 's'}`,
                  enabled: false
                } satisfies TrayMenuItem
              ]
            : [])
        ]

  return {
    total,
    label,
    tooltip: tooltipLines.join('\n'),
    icon: { label, state },
    menu: withActions(jailItems, input)
  }
}

/** The fleet: the icon counts every connected server's bans; one line per server. */
function fleetView(input: TrayInput, servers: readonly TrayServer[]): TrayView {
  const up = servers.filter((s) => s.status === 'connected')
  const total = up.reduce((n, s) => n + s.banned, 0)
  const label = countLabel(total)
  const state: TrayIconState =
    up.length === 0 ? 'disconnected' : input.paused ? 'paused' : total > 0 ? 'banned' : 'ok'
  const shown = servers.slice(0, MAX_JAILS_SHOWN)
  const more = servers.length - shown.length
  const line = (s: TrayServer): string =>
    `${displayServerName(s.name)}: ${
      s.status === 'connected' ? `${s.banned} banned` : `not connected (${s.status})`
    }`
  const down = servers.length - up.length
  const headlineText =
    up.length === 0
      ? 'no server connected'
      : `${total} IP${total === 1 ? '' : 's'} banned on ${up.length} server${up.length === 1 ? '' : 's'}` +
        (down > 0 ? `; ${down} not connected` : '') +
        (input.paused ? ' (monitoring paused)' : '')
  const moreLine = `… and ${more} more server${more === 1 ? '' : 's'}`
  const lines = [...shown.map(line), ...(more > 0 ? [moreLine] : [])]
  return {
    total,
    label,
    tooltip: [`BanGUI: ${headlineText}`, ...lines].join('\n'),
    icon: { label, state },
    menu: withActions(
      lines.map((l): TrayMenuItem => ({ type: 'normal', label: l, enabled: false })),
      input
    )
  }
}

/** The status lines, then the window, pause and quit actions. */
function withActions(items: TrayMenuItem[], input: TrayInput): TrayMenuItem[] {
  return [
    ...items,
    { type: 'separator' },
    {
      type: 'normal',
      id: 'toggle-window',
      label: input.windowVisible ? 'Hide BanGUI' : 'Open BanGUI',
      enabled: true
    },
    {
      type: 'normal',
      id: 'toggle-pause',
      label: input.paused ? 'Resume monitoring' : 'Pause monitoring',
      enabled: true
    },
    { type: 'separator' },
    { type: 'normal', id: 'quit', label: 'Quit BanGUI', enabled: true }
  ]
}

function headline(state: TrayIconState, total: number, message?: string): string {
  const bans = `${total} IP${total === 1 ? '' : 's'} banned`
  switch (state) {
    case 'disconnected':
      return `not connected${message ? ` (${message})` : ''}`
    case 'paused':
      return `monitoring paused; ${bans} when last checked`
    default:
      return bans
  }
}
