import { definePlugin } from '@oo/core'
import { mediaOptions } from './config.js'

export default definePlugin({
  name: 'media',
  dependsOn: ['tenancy'],
  options: mediaOptions,
  migrations: new URL('./migrations/', import.meta.url),
})
