import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { ERROR_STATUS, type ErrorCode } from '@mypay/contracts';
import type { Logger } from '@mypay/core';

/**
 * What Node's HTTP parser answers by itself — bad request lines, oversized headers, an `Expect`
 * other than 100-continue — in the one error shape, with an `X-Request-Id`, instead of a bare
 * status line. Call on every server the APIs listen with.
 */
export function handleTransportErrors(server: Server, logger?: Logger): void {
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => {
    if (error.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const code = clientErrorCode(error.code);
    logger?.debug({ err: error, code }, 'client error before a request was parsed');
    socket.end(rawErrorResponse(code, clientErrorMessage(code)));
  });
  server.on('checkExpectation', (req: IncomingMessage, res: ServerResponse) => {
    const requestId = randomUUID();
    const body = errorBody(
      'EXPECTATION_FAILED',
      `only "Expect: 100-continue" is supported (got "${req.headers.expect}")`,
      requestId,
    );
    res.writeHead(ERROR_STATUS.EXPECTATION_FAILED, {
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Length': Buffer.byteLength(body),
      'X-Request-Id': requestId,
      Connection: 'close',
    });
    res.end(body);
  });
}

function clientErrorCode(parserCode: string | undefined): ErrorCode {
  if (parserCode === 'HPE_HEADER_OVERFLOW') return 'HEADERS_TOO_LARGE';
  if (parserCode === 'ERR_HTTP_REQUEST_TIMEOUT') return 'REQUEST_TIMEOUT';
  return 'MALFORMED_REQUEST';
}

function clientErrorMessage(code: ErrorCode): string {
  if (code === 'HEADERS_TOO_LARGE') return 'the request headers are too large';
  if (code === 'REQUEST_TIMEOUT') return 'the request did not arrive in time';
  return 'the HTTP request could not be parsed';
}

const errorBody = (code: ErrorCode, message: string, requestId: string) =>
  JSON.stringify({ error: { code, message, requestId } });

const REASONS: Partial<Record<number, string>> = {
  400: 'Bad Request',
  408: 'Request Timeout',
  431: 'Request Header Fields Too Large',
};

/** A complete HTTP/1.1 response for a socket whose request never became an IncomingMessage. */
export function rawErrorResponse(code: ErrorCode, message: string): string {
  const status = ERROR_STATUS[code];
  const requestId = randomUUID();
  const body = errorBody(code, message, requestId);
  return [
    `HTTP/1.1 ${status} ${REASONS[status] ?? 'Error'}`,
    'Content-Type: application/json; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(body)}`,
    `X-Request-Id: ${requestId}`,
    'Connection: close',
    '',
    body,
  ].join('\r\n');
}
