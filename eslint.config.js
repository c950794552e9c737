import oclif from 'eslint-config-oclif'

export default [
  {ignores: ['dist/**', 'node_modules/**', 'bench-data/**', '.bench-tmp/**']},
  ...oclif,
]
