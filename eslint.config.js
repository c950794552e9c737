import oclif from 'eslint-config-oclif'

export default [
  {ignores: ['dist/**', 'node_modules/**', '.bench-tmp/**', 'fixtures/**']},
  ...oclif,
  {
    rules: {
      // Sequential awaits are deliberate here: ordered writes, journals, paced sends.
      'no-await-in-loop': 'off',
      // File modes (0o600) and CRC-like byte checks.
      'no-bitwise': 'off',
      'import/no-named-as-default-member': 'off',
      // Italian messages are long sentences; code lines are kept readable by review, not by a counter.
      'max-params': ['error', 5],
      'unicorn/prefer-string-raw': 'off',
    },
  },
  {
    files: ['test/**', 'scripts/**'],
    rules: {
      'n/no-process-exit': 'off',
      'unicorn/no-process-exit': 'off',
      'mocha/no-setup-in-describe': 'off',
    },
  },
]
