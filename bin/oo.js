#!/usr/bin/env node
// The `oo` command: loads the TypeScript CLI through tsx (no build step for the engine).
import { register } from 'tsx/esm/api'

register()
await import('../core/src/cli/main.ts')
