// Node test scripts (ESM) for the deployment assets and the production boot.
module.exports = {
  root: true,
  parserOptions: { ecmaVersion: 2023, sourceType: 'module' },
  extends: ['eslint:recommended', 'prettier'],
  env: { node: true, es2023: true },
  rules: { 'no-unused-vars': ['error', { argsIgnorePattern: '^_' }] },
};
