/**
 * Channel names only, with no runtime dependency: the sandboxed preload imports this file
 * (it cannot load zod or ipaddr.js), contract.ts checks it against the schemas.
 */

export const invokeNames = [
  'getServerInfo',
  'getConnection',
  'retryConnection',
  'listJails',
  'getJailSettings',
  'startJail',
  'stopJail',
  'reload',
  'listBans',
  'banIps',
  'cancelBan',
  'unbanIps',
  'unbanAll',
  'findIp',
  'setJailValue',
  'changeIgnoreIp',
  'watchJail',
  'getSettings',
  'updateSettings',
  'listAudit',
  'getAccess',
  'chooseAccess',
  'checkSudo',
  // ban history
  'historySummary',
  'historyTimeline',
  'historyIp',
  'historyEvents',
  'historyImport',
  // servers and the fleet
  'listServers',
  'selectServer',
  'saveServer',
  'removeServer',
  'testServer',
  'retryServer',
  'acceptHostKey',
  'fleetOverview',
  'fleetBans',
  'fleetFind',
  'fleetBan',
  'fleetUnban',
  'getAppInfo'
] as const

export const eventNames = [
  'connectionChanged',
  'jailsChanged',
  'bansChanged',
  'banProgress',
  'jailSettingsChanged',
  'settingsChanged',
  'auditAppended',
  'accessChanged',
  'serversChanged',
  'fleetProgress'
] as const

export type InvokeName = (typeof invokeNames)[number]
export type EventName = (typeof eventNames)[number]

/** IPC channel name of an invoke or event. */
export const channelOf = (name: InvokeName | EventName): string => `bangui:${name}`

/** The confirmation value unban-all requires: the jail name, or this for every jail. */
export const UNBAN_ALL_EVERY_JAIL = 'all jails'
