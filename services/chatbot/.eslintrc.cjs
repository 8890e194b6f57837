// The service is not a Backstage package (own lockfile, ESM, Node 22), so it
// gets the repo's ESLint (root node_modules) with TypeScript's recommended
// rules rather than the Backstage package rules. `npm test` at the root runs it.
module.exports = {
  root: true,
  parser: '@typescript-eslint/parser',
  parserOptions: { ecmaVersion: 2023, sourceType: 'module' },
  plugins: ['@typescript-eslint'],
  extends: [
    'eslint:recommended',
    'plugin:@typescript-eslint/recommended',
    'prettier',
  ],
  env: { node: true, es2023: true },
  ignorePatterns: [
    'dist',
    'node_modules',
    'src/http/contractTypes.ts',
    'bench/results',
    'eval/results',
  ],
  rules: {
    // Tests and fakes read loosely typed JSON bodies.
    '@typescript-eslint/no-explicit-any': 'off',
    '@typescript-eslint/no-unused-vars': [
      'error',
      {
        argsIgnorePattern: '^_',
        varsIgnorePattern: '^_',
        destructuredArrayIgnorePattern: '^_',
      },
    ],
    'no-console': 'error',
  },
  overrides: [
    { files: ['bench/**', 'eval/**'], rules: { 'no-console': 'off' } },
  ],
};
