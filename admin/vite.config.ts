import { resolve } from 'node:path'
import react from '@vitejs/plugin-react'
import { defineConfig } from 'vite'
import { ooAdmin, repoRoot } from './vite/oo-admin-plugin.ts'

const engine = process.env.OO_ENGINE_URL ?? 'http://127.0.0.1:3000'

// The engine serves the build at /admin/ on every tenant domain (plugins/admin-panel).
export default defineConfig({
  base: '/admin/',
  plugins: [react(), ooAdmin({ configFile: resolve(repoRoot, process.env.OO_CONFIG ?? 'oo.config.ts') })],
  // Plugins' admin modules live outside this folder but use this workspace's React.
  resolve: { dedupe: ['react', 'react-dom', 'react-admin', '@mui/material', '@emotion/react', '@emotion/styled'] },
  server: {
    fs: { allow: [repoRoot] },
    // `npm run dev -w admin` against a running engine (`npm start`).
    proxy: { '/api': engine, '/auth': engine, '/oidc': engine },
  },
  build: {
    outDir: process.env.OO_ADMIN_OUT_DIR ?? 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 600,
    rolldownOptions: {
      output: {
        codeSplitting: {
          groups: [
            { name: 'react', test: /node_modules[\\/](react|react-dom|scheduler|react-router|react-router-dom)[\\/]/, priority: 30 },
            { name: 'mui', test: /node_modules[\\/](@mui|@emotion|@popperjs|stylis)[\\/]/, priority: 20 },
            { name: 'react-admin', test: /node_modules[\\/](ra-[a-z-]+|react-admin|@tanstack|react-hook-form|lodash|date-fns)[\\/]/, priority: 10 },
          ],
        },
      },
    },
  },
})
