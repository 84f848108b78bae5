// ESLint for every TypeScript and JavaScript file of the project (run from the repository root:
// `npm run lint`). typescript-eslint's recommended rules; undefined names are left to tsc, which
// checks every file (no-undef does not know Node's or zx's globals and duplicates the compiler).
import tseslint from 'typescript-eslint'

export default tseslint.config(
  { ignores: ['**/node_modules/**', 'dist/**', 'web/dist/**', '.tmp/**', '.tap/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      'no-undef': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', ignoreRestSiblings: true }],
    },
  },
)
