/**
 * `node bench/decode.ts [rounds]`: decode of a 100k-ban `get J banip --with-time` reply (6.3 MB,
 * protocol 5, as fail2ban-server writes it) by our decoder against CPython's `pickle.loads` on
 * the same bytes, side by side.
 *
 * The two alternate round by round (one long-lived Python process answers each "go"), so both
 * sides of a round see the same machine load. Printed: the median of each side with its
 * spread, and the median and spread of the per-round ratio.
 */
import { execFileSync, spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import os from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { decodeReply } from '../src/main/fail2ban/pickle.ts'

const rounds = Number(process.argv[2] ?? 40)
const warmup = 5
const PY = '/usr/bin/python3'
const dir = mkdtempSync(join(os.tmpdir(), 'bangui-decode-'))
const file = join(dir, 'banlist-100k.pickle')

// The reply exactly as fail2ban builds it: a (0, [str, …]) tuple dumped with HIGHEST_PROTOCOL.
execFileSync(PY, [
  '-c',
  `import pickle,sys
ips = ["10.%d.%d.%d \\t2026-11-25 06:26:37 + 600 = 2026-11-25 06:36:37" % (i >> 16 & 255, i >> 8 & 255, i & 255) for i in range(100000)]
open(sys.argv[1], "wb").write(pickle.dumps((0, ips), pickle.HIGHEST_PROTOCOL))`,
  file
])
const bytes = readFileSync(file)

const py = spawn(
  PY,
  [
    '-c',
    `import pickle,sys,time
data = open(sys.argv[1], "rb").read()
for line in sys.stdin:
    t0 = time.perf_counter(); v = pickle.loads(data); t = time.perf_counter() - t0
    del v
    print(t * 1000, flush=True)`,
    file
  ],
  { stdio: ['pipe', 'pipe', 'inherit'] }
)
const lines = createInterface({ input: py.stdout })[Symbol.asyncIterator]()
const pyRound = async (): Promise<number> => {
  py.stdin.write('go\n')
  const { value } = await lines.next()
  return Number(value)
}
const ourRound = (): number => {
  const t0 = performance.now()
  decodeReply(bytes)
  return performance.now() - t0
}

const ours: number[] = []
const python: number[] = []
for (let i = 0; i < warmup + rounds; i++) {
  const o = ourRound()
  const p = await pyRound()
  if (i >= warmup) {
    ours.push(o)
    python.push(p)
  }
}
py.stdin.end()
rmSync(dir, { recursive: true, force: true })

const q = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, c) => a - c)
  return s[Math.min(s.length - 1, Math.floor(p * s.length))]!
}
const spread = (xs: number[], unit: string, digits: number): string =>
  `${q(xs, 0.5).toFixed(digits)}${unit} (p25…p75 ${q(xs, 0.25).toFixed(digits)}…${q(xs, 0.75).toFixed(digits)}, min…max ${Math.min(...xs).toFixed(digits)}…${Math.max(...xs).toFixed(digits)})`
const ratios = ours.map((o, i) => o / python[i]!)
console.log(
  `decode 100k bans (${(bytes.length / 1e6).toFixed(1)} MB), ${rounds} alternating rounds, load average ${os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`
)
console.log(`  ours          ${spread(ours, ' ms', 2)}`)
console.log(`  pickle.loads  ${spread(python, ' ms', 2)}`)
console.log(`  ratio         ${spread(ratios, '×', 2)}   (goal ≤ 1.0×)`)
