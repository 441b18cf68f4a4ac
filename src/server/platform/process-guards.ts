import type { FastifyBaseLogger } from 'fastify';

/**
 * What the process does with an error nothing caught. Installed by main.ts once the app is
 * built (a failure before that stops start-up, as it should).
 *
 * - An **unhandled promise rejection** is logged with its error and the process keeps serving.
 *   Every request, socket and job catches its own failures; one that slips through is a bug to
 *   fix from the log, not a reason to drop every other client's connection. The rejected chain
 *   has already finished unwinding, so nothing is left half-done by continuing.
 * - An **uncaught exception** is logged and the process exits with 1. A synchronous throw that
 *   reached the event loop abandoned whatever it was doing midway (a stream, a handler between
 *   two writes), and Node documents that resuming after it is unsafe. A supervisor restarts the
 *   process; clients reconnect and resume with ?since=, and the outbox and jobs pick up where
 *   they were.
 */
export function installProcessGuards(log: FastifyBaseLogger): void {
  process.on('unhandledRejection', (reason) => {
    log.error({ err: reason }, 'unhandled promise rejection; still serving');
  });
  process.on('uncaughtException', (err, origin) => {
    log.fatal({ err, origin }, 'uncaught exception; exiting');
    process.exit(1);
  });
}
