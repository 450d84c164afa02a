/**
 * The tray as plain data: from the jails' ban counts, the connection state, whether monitoring
 * is paused and whether the window shows, it computes the icon's label and state, the tooltip,
 * and the context menu (items with action ids, not callbacks). tray.ts turns that into Electron
 * objects; everything here is tested in plain Node.
 */
import type { ConnectionStatus, Jail } from '../../shared/model.ts'
import { displayJailName } from '../../shared/validation.ts'

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
    menu: [
      ...jailItems,
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
