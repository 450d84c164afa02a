/**
 * `node bench/decode.ts [rounds]`: decode of a 100k-ban `get J banip --with-time` reply (6.3 MB,
 * protocol 5, as fail2ban-server writes it) by our decoder against CPython's `pickle.loads` on
 * the same bytes, side by side. Both run in alternating blocks so a load spike hits both; each
 * figure is the median over the rounds with its spread (min…max and p25…p75).
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import os from 'node:os'
import { join } from 'node:path'
import { decodeReply } from '../src/main/fail2ban/pickle.ts'

const rounds = Number(process.argv[2] ?? 30)
const blocks = 3
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

const pyLoads = (n: number): number[] =>
  execFileSync(PY, [
    '-c',
    `import pickle,sys,time,json
data = open(sys.argv[1], "rb").read()
for _ in range(3): pickle.loads(data)
out = []
for _ in range(int(sys.argv[2])):
    t0 = time.perf_counter(); pickle.loads(data); out.append((time.perf_counter() - t0) * 1000)
print(json.dumps(out))`,
    file,
    String(n)
  ])
    .toString()
    .trim()
    .split('\n')
    .flatMap((l) => JSON.parse(l) as number[])

const oursRun = (n: number): number[] => {
  for (let i = 0; i < 3; i++) decodeReply(bytes)
  const out: number[] = []
  for (let i = 0; i < n; i++) {
    const t0 = performance.now()
    decodeReply(bytes)
    out.push(performance.now() - t0)
  }
  return out
}

const ours: number[] = []
const python: number[] = []
const per = Math.ceil(rounds / blocks)
for (let b = 0; b < blocks; b++) {
  ours.push(...oursRun(per))
  python.push(...pyLoads(per))
}
rmSync(dir, { recursive: true, force: true })

const q = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, c) => a - c)
  return s[Math.min(s.length - 1, Math.floor(p * s.length))]!
}
const fmt = (xs: number[]): string =>
  `${q(xs, 0.5).toFixed(2)} ms (p25…p75 ${q(xs, 0.25).toFixed(2)}…${q(xs, 0.75).toFixed(2)}, min…max ${Math.min(...xs).toFixed(2)}…${Math.max(...xs).toFixed(2)})`
console.log(
  `decode 100k bans (${(bytes.length / 1e6).toFixed(1)} MB), ${ours.length} rounds each, load ${os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`
)
console.log(`  ours            ${fmt(ours)}`)
console.log(`  pickle.loads    ${fmt(python)}`)
const ratios = ours.map((o, i) => o / python[i]!)
console.log(
  `  ratio (median)  ${(q(ours, 0.5) / q(python, 0.5)).toFixed(2)}x  (per-round ratio p25…p75 ${q(ratios, 0.25).toFixed(2)}…${q(ratios, 0.75).toFixed(2)})`
)
