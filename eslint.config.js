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
);
