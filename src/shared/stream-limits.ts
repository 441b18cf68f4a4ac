/*
 * The stream's numbers, in a module without schemas so the web client can import them without
 * bundling TypeBox (realtime.ts re-exports them beside the message schemas).
 */

/** The stream's bounds, the same in every process (docs/messaging.md explains each). */
export const STREAM_LIMITS = {
  /** A client frame larger than this closes the socket with 1009. */
  maxFrameBytes: 4096,
  /** Per-socket token bucket: sustained frames a second, and the burst it allows. */
  framesPerSecond: 20,
  frameBurst: 40,
  /** Client frames received but not yet answered; more closes the socket with 4429. */
  maxFramesInFlight: 40,
  /** Threads one socket may follow at once. */
  maxSubscriptions: 100,
  /** Unsent data to one socket past this drops the socket (it resumes with ?since=). */
  maxBufferedBytes: 1_048_576,
} as const;

/** Close codes the stream uses (besides the protocol's own 1000, 1002, 1007 and 1009). */
export const STREAM_CLOSE = {
  /** No valid session at connect, or the session ended (logged out) while connected. */
  unauthenticated: 4401,
  /** Frames sent faster than the token bucket allows, or too many in flight. */
  tooManyFrames: 4429,
} as const;
