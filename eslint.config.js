// ESLint flat config: typescript-eslint recommended rules, zero warnings allowed (npm run lint).
const js = require('@eslint/js');
const tseslint = require('typescript-eslint');
const globals = require('globals');

module.exports = tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.tools/**', '.data/**', 'coverage/**', 'bench/results/**', 'web/vendor/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'error',
    },
  },
  { files: ['**/*.js'], rules: { '@typescript-eslint/no-require-imports': 'off' } },
  { files: ['web/**/*.js'], languageOptions: { globals: { ...globals.browser } } },
  { files: ['test/**', 'bench/**', 'scripts/**', 'src/cli/**'], rules: { 'no-console': 'off' } },
  {
    // Index modules that load far more than the app uses (memory of the running app, measured with bench/load); types are free.
    files: ['src/**'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [
            { allowTypeImports: true, name: 'botbuilder-dialogs', message: "Import from 'botbuilder-dialogs/lib/<module>': the index loads every prompt and a second Recognizers-Text (~30 MB)." },
            { allowTypeImports: true, name: '@microsoft/recognizers-text-suite', message: "Use '@microsoft/recognizers-text-number': the suite bundles every recognizer (~15 MB)." },
            { allowTypeImports: true, name: 'natural', message: 'Import the one natural module needed (src/nlu/natural-modules.d.ts): the index loads all of natural.' },
            { allowTypeImports: true, name: 'natural/lib/natural/stemmers', message: 'Import the one stemmer needed (src/nlu/natural-modules.d.ts).' },
            { allowTypeImports: true, name: 'natural/lib/natural/distance', message: 'Import the one distance needed (src/nlu/natural-modules.d.ts).' },
          ],
        },
      ],
    },
  },
);
