/**
 * A scripted Unix-socket server for what a real fail2ban-server cannot do on demand: send
 * garbage, truncated or oversized replies, never answer, close mid-reply, answer a bare
 * 'ERROR: …' string, read a request and close without answering. Each accepted request is
 * recorded, raw.
 */
import net from 'node:net'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export const END = Buffer.from('<F2B_END_COMMAND>', 'latin1')

/** What to do with one request: bytes to write (end marker not added), or an action. */
export type FakeReply =
  | { kind: 'bytes'; data: Buffer; chunkSize?: number }
  | { kind: 'silent' }
  | { kind: 'close' }
  | { kind: 'partial-then-close'; data: Buffer }
  /** Answers, then closes at once: the client's pooled connection is dead before it knows. */
  | { kind: 'bytes-then-close'; data: Buffer }

export interface FakeServer {
  socketPath: string
  /** Raw request payloads received (end marker stripped), in order. */
  requests: Buffer[]
  /** Connections accepted so far. */
  connections: number
  close(): Promise<void>
}

/** Starts a fake server; `respond` is called per framed request. */
export async function startFakeServer(
  respond: (request: Buffer, index: number) => FakeReply
): Promise<FakeServer> {
  const dir = mkdtempSync(join(tmpdir(), 'bangui-fake-'))
  const socketPath = join(dir, 'fake.sock')
  const sockets = new Set<net.Socket>()
  const state: FakeServer = {
    socketPath,
    requests: [],
    connections: 0,
    close: async () => {
      for (const s of sockets) s.destroy()
      await new Promise<void>((r) => server.close(() => r()))
      rmSync(dir, { recursive: true, force: true })
    }
  }
  const server = net.createServer((sock) => {
    state.connections++
    sockets.add(sock)
    sock.on('close', () => sockets.delete(sock))
    sock.on('error', () => undefined)
    let buf = Buffer.alloc(0)
    sock.on('data', (chunk) => {
      buf = Buffer.concat([buf, chunk])
      let at: number
      while ((at = buf.indexOf(END)) !== -1) {
        const req = buf.subarray(0, at)
        buf = buf.subarray(at + END.length)
        if (req.toString('latin1') === '<F2B_CLOSE_COMMAND>') {
          sock.end()
          return
        }
        state.requests.push(req)
        act(sock, respond(req, state.requests.length - 1))
      }
    })
  })
  await new Promise<void>((resolve) => server.listen(socketPath, resolve))
  return state
}

function act(sock: net.Socket, reply: FakeReply): void {
  switch (reply.kind) {
    case 'silent':
      return
    case 'close':
      sock.destroy()
      return
    case 'partial-then-close':
      sock.write(reply.data, () => sock.destroy())
      return
    case 'bytes-then-close':
      sock.write(reply.data)
      sock.destroy()
      return
    case 'bytes': {
      const size = reply.chunkSize ?? reply.data.length
      for (let i = 0; i < reply.data.length; i += size) sock.write(reply.data.subarray(i, i + size))
      if (reply.data.length === 0) sock.write(Buffer.alloc(0))
    }
  }
}

/** `data + end marker`. */
export const framed = (data: Uint8Array): Buffer => Buffer.concat([Buffer.from(data), END])
