import { configDefaults, defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    reporters: ['default', './core/src/testing/summary-reporter.ts'],
    projects: [
      {
        test: {
          name: 'unit',
          include: ['{core,plugins}/**/*.test.ts'],
          exclude: [...configDefaults.exclude, '**/*.int.test.ts'],
        },
      },
      {
        test: {
          name: 'int',
          include: ['{core,plugins}/**/*.int.test.ts'],
          globalSetup: ['core/src/testing/global-setup.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
          // Each file boots engines and databases; two at a time fits two cores.
          maxWorkers: 2,
        },
      },
    ],
  },
})
