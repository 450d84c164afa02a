// ESLint flat config. Boundary rules (docs/ARCHITECTURE.md, "Style"): no `electron` in services, the
// fail2ban client, shared code, the pure tray/logging modules or the renderer; ipcMain/ipcRenderer
// only in the IPC binding files.
import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import reactHooks from 'eslint-plugin-react-hooks'
import globals from 'globals'

const noElectron = {
  paths: [
    { name: 'electron', message: 'Keep electron out of this layer (see docs/ARCHITECTURE.md).' }
  ],
  patterns: [{ group: ['electron/*'], message: 'Keep electron out of this layer.' }]
}

/** The renderer's import bans, shared by its two rule blocks (a later block replaces a rule). */
const rendererImports = [
  ...noElectron.patterns,
  { group: ['node:*'], message: 'The renderer has no Node APIs.' },
  { group: ['**/main/**'], message: 'The renderer talks to main only through window.bangui.' }
]

/**
 * A feature reaches another feature only through src/renderer/src/app/wiring.ts: never its
 * store, selectors or api (components may still render another feature's components).
 */
const otherFeature = {
  group: [
    '../*/store*',
    '../../*/store*',
    '../*/selectors*',
    '../../*/selectors*',
    '../*/api*',
    '../../*/api*'
  ],
  message: 'Call another feature through app/wiring.ts, not through its store, selectors or api.'
}

const ipcOnlyInBinding = {
  selector: 'ImportSpecifier[imported.name=/^ipc(Main|Renderer)$/]',
  message: 'ipcMain/ipcRenderer belong only in src/main/ipc/bind.ipc.ts and src/preload/index.ts.'
}

export default tseslint.config(
  {
    ignores: [
      'node_modules',
      'out',
      'dist',
      'test-results',
      'playwright-report',
      'e2e/artifacts',
      'bench/results'
    ]
  },
  js.configs.recommended,
  ...tseslint.configs.strict,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }
      ],
      // noUncheckedIndexedAccess types every indexed read as possibly undefined; `!` is allowed
      // where the index is in bounds by construction (loops, regex groups, test fixtures).
      '@typescript-eslint/no-non-null-assertion': 'off',
      'no-restricted-syntax': ['error', ipcOnlyInBinding]
    }
  },
  {
    files: ['src/main/ipc/bind.ipc.ts', 'src/preload/index.ts'],
    rules: { 'no-restricted-syntax': 'off' }
  },
  {
    files: [
      'src/main/fail2ban/**',
      'src/main/ssh/**',
      'src/main/services/**',
      'src/shared/**',
      'src/main/ipc/registry*.ts',
      'src/main/ipc/audited-handlers.ts',
      'src/main/ipc/errors.ts',
      // the pure halves of the tray (the glue is tray.ts) and the file logger
      'src/main/tray/tray-model.ts',
      'src/main/tray/tray-icon.ts',
      'src/main/tray/png.ts',
      'src/main/logging.ts'
    ],
    rules: { 'no-restricted-imports': ['error', noElectron] }
  },
  {
    files: ['src/renderer/**'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'no-restricted-imports': ['error', { ...noElectron, patterns: rendererImports }],
      'no-restricted-properties': [
        'error',
        {
          object: 'window',
          property: 'bangui',
          message: "Only a feature's api.ts calls window.bangui."
        },
        {
          object: 'globalThis',
          property: 'bangui',
          message: "Only a feature's api.ts calls window.bangui."
        }
      ]
    }
  },
  {
    files: ['src/renderer/src/features/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { ...noElectron, patterns: [...rendererImports, otherFeature] }
      ]
    }
  },
  {
    files: ['src/renderer/src/features/*/api.ts'],
    rules: { 'no-restricted-properties': 'off' }
  }
)
