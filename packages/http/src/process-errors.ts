import type { Logger } from '@mypay/core';

let loggingProcessErrors = false;

/**
 * Process-level errors go through the process's structured logger (fatal, with the stack), then
 * an uncaught exception exits 1 — what Node does by default, but now in the log. An unhandled
 * rejection exits 1 too unless `exitOnRejection` is false: the portals keep running, because
 * Next's late-awaited data promises reject unhandled when a render no longer needs them.
 */
export function logProcessErrors(logger: Logger, options: { exitOnRejection?: boolean } = {}): void {
  if (loggingProcessErrors) return;
  loggingProcessErrors = true;
  const exitOnRejection = options.exitOnRejection ?? true;
  process.on('unhandledRejection', (reason) => {
    if (!exitOnRejection) {
      logger.error({ err: reason }, 'unhandled promise rejection');
      return;
    }
    logger.fatal({ err: reason }, 'unhandled promise rejection; exiting');
    exitAfterFlush(logger);
  });
  process.on('uncaughtException', (error, origin) => {
    logger.fatal({ err: error, origin }, 'uncaught exception; exiting');
    exitAfterFlush(logger);
  });
}

/**
 * Exits 1 once the fatal line has left the process. pino writes stdout asynchronously: a line
 * queued behind a write still in flight was dropped by an immediate `process.exit` (seen under CI
 * load: a crashed process's last line was the one before its fatal line). At most a second; the
 * timer is kept referenced and the exit code set first, so the process never ends with 0 meanwhile.
 */
function exitAfterFlush(logger: Logger): void {
  process.exitCode = 1;
  const exit = () => process.exit(1);
  setTimeout(exit, 1000);
  try {
    logger.flush(() => exit());
  } catch {
    exit();
  }
}
