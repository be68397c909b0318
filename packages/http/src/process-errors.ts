import type { Logger } from '@mypay/core';
import pino from 'pino';

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
    fatalThenExit(logger, () => logger.fatal({ err: reason }, 'unhandled promise rejection; exiting'));
  });
  process.on('uncaughtException', (error, origin) => {
    fatalThenExit(logger, () => logger.fatal({ err: error, origin }, 'uncaught exception; exiting'));
  });
}

/**
 * Logs the fatal line once the lines before it are written, then exits 1. pino's default
 * destination (sonic-boom) writes stdout asynchronously, and `fatal` writes its line synchronously
 * at once (flushSync) — past a write still in flight, so under CI load the line before landed
 * after the fatal one, or was dropped by the exit. So the fatal line waits for the stream's
 * `drain` (at most a second; then it is written anyway), and the exit follows it, the line being
 * written by then. The exit code is set first, so the process never ends with 0 meanwhile.
 */
function fatalThenExit(logger: Logger, logFatal: () => void): void {
  process.exitCode = 1;
  let done = false;
  const finish = () => {
    if (done) return;
    done = true;
    clearTimeout(timer);
    try {
      logFatal();
    } finally {
      process.exit(1);
    }
  };
  const timer = setTimeout(finish, 1000);
  const stream = (logger as unknown as Record<symbol, unknown>)[pino.symbols.streamSym] as
    | { _writing?: boolean; once?: (event: 'drain', listener: () => void) => void }
    | undefined;
  // `_writing` is sonic-boom's own flag (it has no public one): true while a write is in flight.
  if (stream?._writing === true && typeof stream.once === 'function') stream.once('drain', finish);
  else finish();
}
