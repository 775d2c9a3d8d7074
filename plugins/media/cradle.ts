import type { MediaOptions } from './config.js'
import type { ObjectStorage } from './drivers/object-storage.js'
import type { MediaJanitor } from './services/media-janitor.js'
import type { MediaService } from './services/media-service.js'

declare module '@oo/core' {
  interface Cradle {
    /** Parsed options with `dir` resolved against the data directory. */
    mediaOptions: MediaOptions & { dir: string }
    mediaStorage: ObjectStorage
    mediaJanitor: MediaJanitor
  }
  interface RequestCradle {
    /** The tenant's images: prepare (check + store variants) → record (in your tx) → discard on failure. */
    mediaService: MediaService
  }
}
