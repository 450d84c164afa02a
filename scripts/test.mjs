#!/usr/bin/env node
// `npm test`: everything, in order, stopping at the first failure with its exit code:
//   system deps -> typecheck -> lint -> security (Electronegativity) -> vitest -> electron-vite build
//   -> playwright (if e2e exists) -> bench smoke
// Usage: node scripts/test.mjs [STEP...]   e.g. `npm test -- vitest e2e` runs only those steps
// (names: deps, typecheck, lint, security, vitest, build, e2e, bench-smoke).
//
// The environment is passed through unchanged (CI included: Playwright, for one, reads it), with
// node_modules/.bin first on PATH so every tool runs on the pinned Node even when this script was
// started with an older system node.
import { spawn } from 'node:child_process'
import { existsSync, readdirSync } from 'node:fs'
import { constants } from 'node:os'
import { delimiter, dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { ensureSystemDeps } from './system-deps.mjs'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const env = {
  ...process.env,
  PATH: `${join(root, 'node_modules', '.bin')}${delimiter}${process.env.PATH ?? ''}`
}
// Output of some steps is piped (to quote their summary at the end); keep their colours on a TTY.
if (process.stdout.isTTY && env.FORCE_COLOR === undefined && env.NO_COLOR === undefined) {
  env.FORCE_COLOR = '1'
}

const ANSI = /\x1b\[[0-9;]*[A-Za-z]/g // eslint-disable-line no-control-regex

/** Why the Playwright step cannot run here, or undefined when it can. */
function e2eSkipReason() {
  if (!existsSync(join(root, 'playwright.config.ts'))) return 'no playwright.config.ts'
  const dir = join(root, 'e2e')
  const specs = existsSync(dir)
    ? readdirSync(dir, { recursive: true }).filter(
        (f) => String(f).endsWith('.spec.ts') && !String(f).includes('node_modules')
      )
    : []
  return specs.length === 0 ? 'no e2e/**/*.spec.ts files' : undefined
}

/** Keeps the lines of a tool's closing summary so they can be repeated at the very end. */
const summaries = {
  vitest: (text) => lastBlock(text, /^\s*(Test Files|Tests|Errors|Duration)\s/),
  e2e: (text) => lastBlock(text, /^\s*\d+ (passed|failed|flaky|skipped|did not run|interrupted)\b/)
}

function lastBlock(text, re) {
  const lines = text.replace(ANSI, '').split(/\r?\n/)
  const picked = []
  for (const line of lines) if (re.test(line)) picked.push(line.trimEnd())
  // a tool may print the block more than once (watch-like reporters): keep the last of each kind
  const byKind = new Map()
  for (const line of picked) byKind.set(line.trim().split(/\s+/).slice(0, 2).join(' '), line)
  return [...byKind.values()]
}

const steps = [
  { name: 'deps', title: 'system dependencies (fail2ban, chromium)', fn: systemDeps },
  { name: 'typecheck', title: 'npm run typecheck', cmd: ['npm', 'run', 'typecheck'] },
  { name: 'lint', title: 'npm run lint', cmd: ['npm', 'run', 'lint'] },
  {
    name: 'security',
    title: 'Electronegativity over src/ and package.json; fails on medium or worse',
    cmd: ['node', 'scripts/electronegativity.mjs']
  },
  { name: 'vitest', title: 'npx vitest run', cmd: ['npx', 'vitest', 'run'], quote: true },
  { name: 'build', title: 'npx electron-vite build', cmd: ['npx', 'electron-vite', 'build'] },
  {
    name: 'e2e',
    title: 'npx playwright test',
    cmd: ['npx', 'playwright', 'test'],
    quote: true,
    skip: e2eSkipReason
  },
  {
    name: 'bench-smoke',
    title: 'npm run bench -- --smoke (keeps the bench working; figures are not asserted)',
    cmd: ['npm', 'run', 'bench', '--', '--smoke']
  }
]

function systemDeps() {
  const { ok } = ensureSystemDeps()
  return ok ? 0 : 1
}

/** Runs a command; resolves its exit code. With `quote`, output is teed and kept. */
function runCommand([cmd, ...args], quote) {
  return new Promise((resolvePromise) => {
    const child = spawn(cmd, args, {
      cwd: root,
      env,
      stdio: quote ? ['inherit', 'pipe', 'pipe'] : 'inherit'
    })
    let text = ''
    const keep = (chunk) => {
      text += chunk.toString()
      if (text.length > 1_000_000) text = text.slice(-500_000)
    }
    child.stdout?.on('data', (c) => {
      process.stdout.write(c)
      keep(c)
    })
    child.stderr?.on('data', (c) => {
      process.stderr.write(c)
      keep(c)
    })
    child.on('error', (e) => {
      console.error(`cannot run ${cmd}: ${e.message}`)
      resolvePromise({ code: 127, text })
    })
    child.on('close', (code, signal) => {
      resolvePromise({ code: code ?? 128 + (constants.signals[signal] ?? 0), text })
    })
  })
}

const fmt = (ms) => (ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`)
const rule = (s) => `\n${'='.repeat(8)} ${s} ${'='.repeat(Math.max(4, 90 - s.length))}`

async function main() {
  const only = process.argv.slice(2)
  const unknown = only.filter((n) => !steps.some((s) => s.name === n))
  if (unknown.length) {
    console.error(
      `unknown step(s): ${unknown.join(', ')}; steps: ${steps.map((s) => s.name).join(', ')}`
    )
    return 2
  }
  const chosen = only.length ? steps.filter((s) => only.includes(s.name)) : steps
  console.log(`BanGUI tests in ${root} (node ${process.version}, CI=${process.env.CI ?? 'unset'})`)

  const results = []
  let exitCode = 0
  const t0 = performance.now()
  for (const [i, step] of chosen.entries()) {
    const label = `[${i + 1}/${chosen.length}] ${step.name}: ${step.title}`
    console.log(rule(label))
    const skip = step.skip?.()
    if (skip) {
      console.log(`skipped: ${skip}`)
      results.push({ step, status: `skipped (${skip})`, ms: 0 })
      continue
    }
    const start = performance.now()
    let code
    let quoted = []
    if (step.fn) code = await step.fn()
    else {
      const r = await runCommand(step.cmd, step.quote)
      code = r.code
      if (step.quote) quoted = summaries[step.name]?.(r.text) ?? []
    }
    const ms = performance.now() - start
    results.push({ step, status: code === 0 ? 'ok' : `FAILED (exit ${code})`, ms, quoted })
    if (code !== 0) {
      exitCode = code
      break
    }
  }
  for (const step of chosen.slice(results.length)) results.push({ step, status: 'not run', ms: 0 })

  console.log(rule('summary'))
  for (const r of results) {
    console.log(
      `${r.step.name.padEnd(10)} ${r.status.padEnd(34)} ${r.ms ? fmt(r.ms) : ''}`.trimEnd()
    )
    for (const line of r.quoted ?? []) console.log(`             | ${line.trim()}`)
  }
  console.log(
    `${'total'.padEnd(10)} ${(exitCode === 0 ? 'ok' : 'FAILED').padEnd(34)} ${fmt(performance.now() - t0)}`
  )
  // One closing line over every runner (vitest and Playwright print theirs in the middle).
  const t = countTests(results.flatMap((r) => r.quoted ?? []))
  console.log(`tests: ${t.passed} passed, ${t.failed} failed, ${t.skipped} skipped`)
  return exitCode
}

/** Sums "N passed / failed / skipped" from the quoted vitest and Playwright summary lines. */
export function countTests(lines) {
  const t = { passed: 0, failed: 0, skipped: 0 }
  for (const line of lines) {
    // vitest: "Tests  179 passed | 1 failed | 2 skipped (182)"; Playwright: "9 passed (31.2s)"
    if (/Test Files/.test(line)) continue
    for (const [, n, kind] of line.matchAll(/(\d+) (passed|failed|skipped)/g)) t[kind] += Number(n)
  }
  return t
}

process.exitCode = await main()
