/**
 * The WebSocket handshake's headers, checked before the ws library sees them, so a bad upgrade
 * is refused in the one error shape (StreamGateway's preValidation).
 */
import type { FastifyRequest } from 'fastify';
import { AppError } from '../http/errors.ts';

const SEC_WEBSOCKET_KEY = /^[+/0-9A-Za-z]{22}==$/;
const PROTOCOL_LIST = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+(?:\s*,\s*[!#$%&'*+\-.^_`|~0-9A-Za-z]+)*$/;

/**
 * Refuses, in the one error shape, an upgrade the WebSocket library would refuse with its own
 * plain-text answer (it checks the same things after us).
 */
export function assertValidUpgrade(req: FastifyRequest): void {
  const h = req.headers;
  const version = h['sec-websocket-version'];
  if (version !== '13' && version !== '8') {
    throw new AppError('upgrade_required', 'Sec-WebSocket-Version must be 13.', {
      headers: { 'sec-websocket-version': '13' },
    });
  }
  const key = h['sec-websocket-key'];
  if (typeof key !== 'string' || !SEC_WEBSOCKET_KEY.test(key)) {
    throw new AppError('invalid_input', 'Missing or invalid Sec-WebSocket-Key header.');
  }
  const protocols = h['sec-websocket-protocol'];
  if (protocols !== undefined) {
    const names = protocols.split(',').map((p) => p.trim());
    if (!PROTOCOL_LIST.test(protocols.trim()) || new Set(names).size !== names.length) {
      throw new AppError('invalid_input', 'Invalid Sec-WebSocket-Protocol header.');
    }
  }
}
