import { bridge, unwrap } from '../../lib/api.ts'

export const searchApi = {
  findIp: (ip: string): Promise<{ ip: string; jails: string[] }> => unwrap(bridge().findIp({ ip }))
}
