/** What fail2ban itself says, through the official `fail2ban-client -s SOCK`, for comparisons. */
import { fail2banClient } from '../../test/support/f2b-server.ts'

/** `get J banip --with-time` as ip → { end: "YYYY-MM-DD HH:MM:SS", bantime }. */
export async function cliBanEnds(
  socket: string,
  jail: string
): Promise<Map<string, { end: string; bantime: number }>> {
  const out = await fail2banClient(socket, ['get', jail, 'banip', '--with-time'])
  const m = new Map<string, { end: string; bantime: number }>()
  for (const r of out.matchAll(/^(\S+)\s+\S+ \S+ \+ (-?\d+) = (\S+ \S+)$/gm))
    m.set(r[1]!, { end: r[3]!, bantime: Number(r[2]) })
  return m
}

/** `get J KEY` as trimmed text. */
export async function cliGet(socket: string, jail: string, key: string): Promise<string> {
  return (await fail2banClient(socket, ['get', jail, key])).trim()
}

export { fail2banClient }
