// The defaults of etcd's Watch as compute nodes serve it, apart from the service itself so that
// parsing a command line (node options) loads no gRPC.

/** etcd's default progress notification interval (its --experimental-watch-progress-notify-interval). */
export const DEFAULT_PROGRESS_NOTIFY_MS = 10 * 60 * 1000;
/** Watches one stream may hold at once; a create beyond is answered canceled. */
export const MAX_WATCHES_PER_STREAM = 256;
/** A response with more event bytes than this is split when the watch asked for fragments (etcd: --max-request-bytes). */
export const FRAGMENT_BYTES = 1536 * 1024;
