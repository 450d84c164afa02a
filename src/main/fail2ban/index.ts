/** The fail2ban socket client. Never imports electron. */
export {
  Fail2BanClient,
  READ_ONLY_COMMANDS,
  type Fail2BanClientOptions,
  type SendOptions
} from './client.ts'
export { Fail2BanCommands, FEATURES, type CommandSender } from './commands.ts'
export { unixSocketConnector, type Connector, type StreamTransport } from './connector.ts'
export {
  Fail2BanAbortError,
  Fail2BanArgumentError,
  Fail2BanClientClosedError,
  Fail2BanCommandError,
  Fail2BanConnectionError,
  Fail2BanProtocolError,
  Fail2BanTransportError,
  describeConnectionError,
  describeTransportError
} from './errors.ts'
export { silentLogger, type Logger } from './log.ts'
export { Reloader, type ReloadRequest, type ReloadScope } from './reload.ts'
export type { CommandArg } from './pickle.ts'
