// Lint for the engine, the admin panel and the storefront kit. Formatting is prettier's job
// (`npm run format:check`); these rules catch mistakes, not style.
import js from '@eslint/js'
import tseslint from 'typescript-eslint'

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      '**/dist/**',
      '**/.astro/**',
      '.oo/**',
      'coverage/**',
      'storefront-themes/*/src/env.d.ts',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      ecmaVersion: 2023,
      sourceType: 'module',
      globals: {
        process: 'readonly',
        console: 'readonly',
        URL: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
      },
    },
    rules: {
      // `_`-prefixed names are deliberately unused (destructuring to drop a key, unused handler args).
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          caughtErrors: 'none',
          ignoreRestSiblings: true,
        },
      ],
      '@typescript-eslint/consistent-type-imports': [
        'error',
        { fixStyle: 'inline-type-imports', disallowTypeAnnotations: false },
      ],
      // Cradle interfaces are empty on purpose: plugins fill them by module augmentation.
      '@typescript-eslint/no-empty-object-type': [
        'error',
        { allowInterfaces: 'always' },
      ],
      'no-constant-condition': ['error', { checkLoops: false }],
    },
  },
  {
    // Browser code (KDS screen, admin, storefront kit) runs in a page, not in Node.
    files: ['plugins/*/screen/**/*.js', 'admin/src/**', 'storefront-themes/**/*.{ts,js}'],
    languageOptions: {
      globals: {
        window: 'readonly',
        document: 'readonly',
        navigator: 'readonly',
        localStorage: 'readonly',
        sessionStorage: 'readonly',
        fetch: 'readonly',
        location: 'readonly',
        HTMLElement: 'readonly',
        Audio: 'readonly',
        AudioContext: 'readonly',
        requestAnimationFrame: 'readonly',
        EventSource: 'readonly',
        Event: 'readonly',
        CustomEvent: 'readonly',
        FormData: 'readonly',
        history: 'readonly',
      },
    },
  },
  {
    // HTTP answers in benchmarks and test harnesses are read loosely on purpose.
    files: ['bench/**', 'core/src/testing/**', '**/test/**', '**/*.test.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
)
