#!/usr/bin/env node
// Electronegativity (Doyensec's Electron security scanner) over the app's sources and
// package.json, failing on any finding of MEDIUM severity or worse. The CLI exits 0 whatever it
// finds, so this wrapper uses its programmatic API (the same runner the CLI calls) and judges
// the findings itself. A file the scanner cannot parse also fails the step: it would be a hole.
//
// Offline and deterministic: the scanner downloads translations and Electron's release list
// with `got`; both are replaced by an immediate failure (its built-in English texts are used)
// and the release-list check (AVAILABLE_SECURITY_FIXES_GLOBAL_CHECK) is excluded: keeping
// Electron current is the Electron version pin's job (docs/SECURITY.md, item 16).
//
// Usage: node scripts/electronegativity.mjs [--json FILE] [--src DIR (default: src)]
import { writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const require = createRequire(import.meta.url)
const MEDIUM = 2 // the scanner's severity values: INFORMATIONAL 0, LOW 1, MEDIUM 2, HIGH 3
const EXCLUDED = ['AvailableSecurityFixesGlobalCheck']
/** The checks that read package.json (the global checks need the sources, scanned apart). */
const PACKAGE_JSON_CHECKS = [
  'ElectronVersionJSONCheck',
  'CustomArgumentsJSONCheck',
  'SecurityWarningsDisabledJSONCheck'
]

/**
 * Findings the scanner asks a person to review ("review required"), reviewed: they are listed
 * with the reason and do not fail the step. Matched by check id and file; a new finding of the
 * same check elsewhere is not covered.
 */
const REVIEWED = [
  {
    id: 'PRELOAD_JS_CHECK',
    file: 'src/main/window/security.ts',
    reason:
      'the one preload (src/preload/index.ts) exposes only the typed api built from the contract ' +
      '(contextBridge, frozen); never ipcRenderer or the event object: test/electron-glue.test.ts'
  }
]

function offlineGot() {
  const runner = require.resolve('@doyensec/electronegativity')
  const gotPath = createRequire(runner).resolve('got')
  const refuse = async () => {
    throw new Error('network disabled for the security scan')
  }
  const stub = Object.assign(refuse, { default: refuse })
  require.cache[gotPath] = { id: gotPath, filename: gotPath, loaded: true, exports: stub }
}

async function scan(run, input, electronVersion, checks) {
  // The scanner prints progress and a translation warning on console.log: keep stdout ours.
  const log = console.log
  console.log = () => {}
  try {
    return await run({
      input,
      ...(checks ? { customScan: checks } : { excludeFromScan: EXCLUDED }),
      electronVersionOverride: electronVersion,
      isRelative: false
    })
  } finally {
    console.log = log
  }
}

async function main() {
  offlineGot()
  const run = require('@doyensec/electronegativity')
  const pkg = require(join(root, 'package.json'))
  const electronVersion = String(pkg.devDependencies?.electron ?? '').replace(/^[^\d]*/, '')
  const version = require('@doyensec/electronegativity/package.json').version
  const srcAt = process.argv.indexOf('--src')
  const src =
    srcAt > 0 && process.argv[srcAt + 1] ? resolve(process.argv[srcAt + 1]) : join(root, 'src')
  const results = [
    await scan(run, src, electronVersion),
    await scan(run, join(root, 'package.json'), electronVersion, PACKAGE_JSON_CHECKS)
  ]

  const issues = results.flatMap((r) => r.issues)
  const reviewOf = (i) =>
    i.manualReview
      ? REVIEWED.find((r) => r.id === i.id && r.file === relative(root, i.file))
      : undefined
  const errors = results.flatMap((r) => r.errors).filter((e) => !e.tolerable)
  const bySeverity = { HIGH: 0, MEDIUM: 0, LOW: 0, INFORMATIONAL: 0 }
  for (const i of issues) bySeverity[i.severity.name] = (bySeverity[i.severity.name] ?? 0) + 1

  console.log(
    `Electronegativity ${version} on ${relative(root, src) || '.'}/ and package.json (Electron ${electronVersion}): ` +
      `${results[0].atomicChecks} atomic and ${results[0].globalChecks} global checks; excluded: ${EXCLUDED.join(', ')}`
  )
  for (const i of issues.sort((a, b) => b.severity.value - a.severity.value)) {
    const where = `${relative(root, i.file)}:${i.location.line}:${i.location.column}`
    const reviewed = reviewOf(i)
    const review = reviewed ? ' (reviewed)' : i.manualReview ? ' (review required)' : ''
    console.log(
      `  ${i.severity.name.padEnd(13)} ${i.confidence.name.padEnd(9)} ${i.id}${review}  ${where}`
    )
    if (reviewed) console.log(`      reviewed: ${reviewed.reason}`)
  }
  for (const e of errors) console.log(`  PARSE-ERROR ${relative(root, e.file)}: ${e.message}`)
  const figures = `high ${bySeverity.HIGH}, medium ${bySeverity.MEDIUM}, low ${bySeverity.LOW}, informational ${bySeverity.INFORMATIONAL}, parse errors ${errors.length}`
  console.log(`findings: ${figures}`)

  const jsonAt = process.argv.indexOf('--json')
  if (jsonAt > 0 && process.argv[jsonAt + 1]) {
    const report = issues.map((i) => ({
      id: i.id,
      severity: i.severity.name,
      confidence: i.confidence.name,
      file: relative(root, i.file),
      line: i.location.line,
      column: i.location.column,
      manualReview: i.manualReview,
      reviewed: reviewOf(i)?.reason ?? null,
      description: i.description
    }))
    writeFileSync(
      process.argv[jsonAt + 1],
      `${JSON.stringify({ version, figures: bySeverity, report }, null, 2)}\n`
    )
  }

  const blocking = issues.filter((i) => i.severity.value >= MEDIUM && !reviewOf(i))
  if (blocking.length > 0 || errors.length > 0) {
    console.error(
      `security: FAILED: ${blocking.length} finding(s) of medium severity or worse, ${errors.length} parse error(s)`
    )
    return 1
  }
  const reviewedCount = issues.filter(reviewOf).length
  console.log(
    `security: ok (nothing of medium severity or worse${reviewedCount ? ` but ${reviewedCount} reviewed finding(s)` : ''})`
  )
  return 0
}

process.exitCode = await main()
