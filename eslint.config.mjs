// ESLint for the whole tree: typescript-eslint's recommended rules, import cycles, and the
// layers of the code base written as import rules, so a wrong import fails `make lint`
// instead of waiting for a reviewer. Formatting is Prettier's (prettier.config.mjs);
// eslint-config-prettier turns off every rule that would argue with it.
import { builtinModules } from 'node:module';

import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import { defineConfig, globalIgnores } from 'eslint/config';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import importX from 'eslint-plugin-import-x';
import globals from 'globals';
import tseslint from 'typescript-eslint';

// The pure core: logic that touches no process, file or browser, shared by the
// companion, the CLI and the frontend.
const CORE = 'core';

const TESTS = ['**/*.test.ts'];

// import-x's TypeScript settings (extensions, parsers), less its legacy resolver entry:
// the resolver is given below as an object, so no resolver is looked up by name.
const { 'import-x/resolver': _legacyResolver, ...IMPORT_X_TS_SETTINGS } = importX.flatConfigs.typescript.settings;

// Node's built-in modules by their bare names (`fs`); `node:fs` is caught by a pattern.
const NODE_BUILTINS = builtinModules.filter(m => !m.startsWith('_'));

/** no-restricted-imports options for code that must not use Node (the core, the frontend). */
function noNodeImports(where, alsoForbidden = []) {
  const message = `${where} runs without Node: no Node built-in modules.`;
  return [
    'error',
    {
      paths: NODE_BUILTINS.map(name => ({ name, message })),
      patterns: [{ group: ['node:*'], message }, ...alsoForbidden]
    }
  ];
}

/** The core's package rule: no JupyterLab or Lumino (those are the frontend's). */
const NO_FRONTEND_PACKAGES = {
  group: ['@jupyterlab/*', '@lumino/*', '@jupyter/*'],
  message: 'The core is shared by the companion, the CLI and the frontend: no JupyterLab or Lumino imports here.'
};

/** Folders the core may not reach into (resolved paths, so relative imports count). */
function coreZones(core) {
  const message = `${core}/ is the pure core: it imports only from itself (and schema/ data, npm packages that run anywhere).`;
  const outside = ['src', 'server', 'tests', 'ui-tests', 'bench', 'scripts', 'examples', 'jupyterlab_retrace'];
  return outside.map(from => ({ target: `./${core}`, from: `./${from}`, message }));
}

export default defineConfig([
  globalIgnores([
    'lib/',
    'coverage/',
    'dist/',
    '.venv/',
    '.stamps/',
    'jupyterlab_retrace/labextension/',
    'jupyterlab_retrace/node/',
    'ui-tests/test-results/',
    'ui-tests/playwright-report/',
    'ui-tests/.jupyter-root/',
    'test-results/',
    'playwright-report/',
    'examples/',
    '**/.ipynb_checkpoints/'
  ]),

  js.configs.recommended,
  tseslint.configs.recommended,
  {
    name: 'retrace/imports',
    plugins: { 'import-x': importX },
    settings: {
      ...IMPORT_X_TS_SETTINGS,
      // Resolve imports as tsc does (.ts files behind extension-less paths, JSON, @types),
      // with the two tsconfigs that between them cover every folder.
      'import-x/resolver-next': [
        createTypeScriptImportResolver({ project: ['tsconfig.json', 'tsconfig.server.json'], alwaysTryTypes: true, noWarnOnMultipleProjects: true })
      ]
    },
    rules: {
      'import-x/no-cycle': 'error',
      // A resolver that cannot find a file would make no-cycle pass silently: fail instead.
      'import-x/no-unresolved': 'error'
    }
  },
  {
    name: 'retrace/rules',
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // Arguments named for the reader (callbacks with a fixed signature) may go unused;
      // a leading underscore marks any other deliberately unused name.
      '@typescript-eslint/no-unused-vars': ['error', { args: 'none', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true }],
      // Test doubles stand in for JupyterLab objects with `as any`; in code proper, tsc's
      // noImplicitAny and review keep `any` rare, and a rewrite to `unknown` buys little.
      '@typescript-eslint/no-explicit-any': 'off',
      // `namespace CommandIDs` is JupyterLab's idiom for a plugin's command names.
      '@typescript-eslint/no-namespace': 'off',
      eqeqeq: ['error', 'smart'],
      'prefer-const': ['error', { destructuring: 'all' }]
    }
  },
  {
    name: 'retrace/node-scripts',
    files: ['**/*.mjs', '**/*.cjs'],
    languageOptions: { globals: globals.node }
  },
  {
    name: 'retrace/browser-style',
    files: ['style/**/*.js'],
    languageOptions: { globals: globals.browser }
  },

  // --- layers ---------------------------------------------------------------
  {
    name: 'retrace/layer-core',
    files: [`${CORE}/**/*.ts`],
    rules: {
      'no-restricted-imports': noNodeImports(`${CORE}/ (the pure core, bundled into the frontend too)`, [NO_FRONTEND_PACKAGES]),
      'import-x/no-restricted-paths': ['error', { zones: coreZones(CORE) }]
    }
  },
  {
    // The core's tests run in Node and may read their fixtures from disk.
    name: 'retrace/layer-core-tests',
    files: TESTS.map(t => `${CORE}/${t}`),
    rules: { 'no-restricted-imports': ['error', { patterns: [NO_FRONTEND_PACKAGES] }] }
  },
  {
    name: 'retrace/layer-frontend',
    files: ['src/**/*.ts'],
    ignores: TESTS,
    rules: { 'no-restricted-imports': noNodeImports('src/ (the frontend, in the browser)') }
  },
  {
    name: 'retrace/layer-frontend-paths',
    files: ['src/**/*.ts'],
    rules: {
      'import-x/no-restricted-paths': [
        'error',
        {
          zones: [
            {
              target: './src',
              from: './server',
              message: 'src/ (the frontend) imports only core/, never the companion or the CLI (server/).'
            },
            ...['tests', 'ui-tests', 'bench', 'scripts'].map(from => ({
              target: './src',
              from: `./${from}`,
              message: `src/ (the frontend) does not import ${from}/.`
            }))
          ]
        }
      ]
    }
  },
  {
    name: 'retrace/layer-server',
    files: ['server/**/*.ts'],
    rules: {
      'import-x/no-restricted-paths': [
        'error',
        { zones: [{ target: './server', from: './src', message: 'server/ runs in Node: it does not import the frontend (src/).' }] }
      ]
    }
  },

  prettier
]);
