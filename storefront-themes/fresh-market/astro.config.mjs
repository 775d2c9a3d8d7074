import { defineConfig } from 'astro/config'

// A static build served by the engine's storefront plugin on every shop domain using this theme.
export default defineConfig({
  output: 'static',
  build: { format: 'file' },
  vite: { server: { fs: { allow: ['..'] } } },
})
