// Run as an unprivileged user by client.real.test.ts: prints the client's error as JSON.
import { Fail2BanClient } from '../../src/main/fail2ban/index.ts'

const client = new Fail2BanClient({ socketPath: process.argv[2]!, timeoutMs: 3000 })
try {
  await client.send(['ping'])
  console.log(JSON.stringify({ code: 'none', message: 'ping succeeded' }))
} catch (e) {
  const err = e as { code?: string; message: string }
  console.log(JSON.stringify({ code: err.code ?? 'unknown', message: err.message }))
}
await client.close()
