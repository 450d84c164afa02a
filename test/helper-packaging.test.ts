/**
 * The helper as shipped: the deb maps it and its polkit action to the paths the policy, the
 * sudoers example and the launcher all name; the policy pins path and first argument with
 * auth_admin_keep; the sudoers example passes `visudo -cf`; the script runs in isolated mode and
 * parses with Python 3.7's grammar.
 */
import { execFileSync } from 'node:child_process'
import { readFileSync, statSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { INSTALLED_HELPER, helperCommand } from '../src/main/helper/launcher.ts'
import { HELPER_RESOURCE, helperSourceCandidates } from '../src/main/helper/helper-source.ts'

const root = resolve(import.meta.dirname, '..')
const require = createRequire(import.meta.url)
const HELPER = join(root, 'src/helper/bangui-helper.py')
const POLICY = join(root, 'build/polkit/org.bangui.helper.policy')
const SUDOERS = join(root, 'build/sudoers/bangui')

interface BuilderConfigModule {
  getConfig(projectDir: string, configPath: string | null, fromOptions: null): Promise<Config>
}
type Config = { deb?: { depends?: string[]; fpm?: string[] } }
const builder = require('app-builder-lib/out/util/config/config') as BuilderConfigModule

describe('helper packaging', () => {
  it('the deb installs the helper and the policy where they name each other, and needs pkexec', async () => {
    const config = await builder.getConfig(root, join(root, 'electron-builder.yml'), null)
    const fpm = config.deb?.fpm ?? []
    expect(fpm).toContain(`src/helper/bangui-helper.py=${INSTALLED_HELPER}`)
    expect(fpm).toContain(
      'build/polkit/org.bangui.helper.policy=/usr/share/polkit-1/actions/org.bangui.helper.policy'
    )
    for (const m of fpm) expect(statSync(join(root, m.split('=')[0]!)).isFile()).toBe(true)
    expect(config.deb?.depends).toEqual(expect.arrayContaining(['pkexec | policykit-1', 'python3']))
    // electron-builder's own defaults are kept (setting `depends` replaces them)
    expect(config.deb?.depends).toEqual(expect.arrayContaining(['libgtk-3-0', 'libnss3']))
    // 0755 in the checkout (fpm keeps the mode)
    expect(statSync(HELPER).mode & 0o777).toBe(0o755)
  })

  it('every package carries the helper source that SSH sessions push, where main looks for it', async () => {
    const config = await builder.getConfig(root, join(root, 'electron-builder.yml'), null)
    const extra = ((config as { extraResources?: unknown }).extraResources ?? []) as {
      from: string
      to: string
    }[]
    expect(extra).toContainEqual({ from: 'src/helper/bangui-helper.py', to: HELPER_RESOURCE })
    // packaged: the deb's installed copy first, then the resource; unpackaged: the checkout
    expect(helperSourceCandidates(true, '/app', '/res')).toEqual([
      INSTALLED_HELPER,
      `/res/${HELPER_RESOURCE}`
    ])
    const [dev] = helperSourceCandidates(false, root, '/res')
    expect(readFileSync(dev!)).toEqual(readFileSync(HELPER))
  })

  it('the policy pins the installed path and --stdio, auth_admin_keep everywhere', () => {
    const xml = readFileSync(POLICY, 'utf8')
    // well-formed XML (polkitd skips, and pkexec crashed on, a policy that is not)
    execFileSync('/usr/bin/python3', [
      '-c',
      'import sys, xml.dom.minidom as m; m.parse(sys.argv[1])',
      POLICY
    ])
    expect(xml).toContain('<action id="org.bangui.helper">')
    expect(xml).toContain(
      `<annotate key="org.freedesktop.policykit.exec.path">${INSTALLED_HELPER}</annotate>`
    )
    expect(xml).toContain('<annotate key="org.freedesktop.policykit.exec.argv1">--stdio</annotate>')
    for (const k of ['allow_any', 'allow_inactive', 'allow_active'])
      expect(xml).toContain(`<${k}>auth_admin_keep</${k}>`)
    // the launcher sends exactly that argv
    expect(helperCommand({ via: 'pkexec', helperPath: INSTALLED_HELPER })).toEqual([
      '/usr/bin/pkexec',
      ['--disable-internal-agent', INSTALLED_HELPER, '--stdio']
    ])
  })

  it('the sudoers example passes visudo -cf and allows only the helper with --stdio', () => {
    execFileSync('/usr/sbin/visudo', ['-cf', SUDOERS])
    const rules = readFileSync(SUDOERS, 'utf8')
      .split('\n')
      .filter((l) => l.trim() && !l.startsWith('#'))
    expect(rules).toEqual([`%sudo ALL=(root) NOPASSWD: ${INSTALLED_HELPER} --stdio`])
    expect(helperCommand({ via: 'sudo', helperPath: INSTALLED_HELPER })).toEqual([
      '/usr/bin/sudo',
      ['-n', INSTALLED_HELPER, '--stdio']
    ])
  })

  it('runs isolated and parses with the Python 3.7 grammar', () => {
    const text = readFileSync(HELPER, 'utf8')
    expect(text.split('\n')[0]).toBe('#!/usr/bin/python3 -I')
    execFileSync('/usr/bin/python3', [
      '-c',
      'import ast, sys; ast.parse(open(sys.argv[1]).read(), feature_version=(3, 7))',
      HELPER
    ])
    // standard library only
    const imports = [...text.matchAll(/^import (\w+)/gm)].map((m) => m[1])
    const stdlib = ['configparser', 'io', 'ipaddress', 'os', 'pickle', 'pickletools', 're']
    stdlib.push('socket', 'sqlite3')
    stdlib.push('stat', 'struct', 'subprocess', 'sys', 'syslog', 'time', 'urllib')
    expect(imports.filter((m) => !stdlib.includes(m!))).toEqual([])
    expect(text).not.toMatch(/^from /m)
  })
})
