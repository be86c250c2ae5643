/** Small HTTP helpers of the companion: an error with a status, and a bounded JSON body reader. */
import type { IncomingMessage } from 'node:http';

/** Thrown by a route to answer with this status and `{ error: message }`. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string
  ) {
    super(message);
  }
}

/** Request bodies are small JSON objects; anything larger is a mistake or an attack. */
export const MAX_BODY_BYTES = 64 * 1024;

/**
 * The request's body parsed as JSON. 413 when it is larger than `maxBytes` (what
 * arrives beyond the limit is read and dropped, not kept), 400 when it is not JSON.
 */
export function readJsonBody(req: IncomingMessage, maxBytes = MAX_BODY_BYTES): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > maxBytes) {
      req.resume();
      reject(new HttpError(413, `request body of ${declared} bytes is over the limit of ${maxBytes}`));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        tooLarge = true;
        chunks.length = 0;
      } else if (!tooLarge) chunks.push(chunk);
    });
    req.on('error', reject);
    req.on('end', () => {
      if (tooLarge) return reject(new HttpError(413, `request body is over the limit of ${maxBytes} bytes`));
      const text = Buffer.concat(chunks).toString('utf8');
      if (!text.trim()) return reject(new HttpError(400, 'request body is empty: expected a JSON object'));
      try {
        resolve(JSON.parse(text));
      } catch (e) {
        reject(new HttpError(400, `request body is not JSON: ${(e as Error).message}`));
      }
    });
  });
}
