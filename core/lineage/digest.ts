/**
 * SHA-256 digests in the `sha256:<hex>` form retrace writes. Web Crypto is in Node 20
 * and every browser JupyterLab supports, so the frontend and the companion compute
 * code hashes the same way without a dependency.
 */

const encoder = new TextEncoder();

export async function sha256(data: string | Uint8Array<ArrayBuffer>): Promise<string> {
  const bytes = typeof data === 'string' ? encoder.encode(data) : data;
  const digest = await globalThis.crypto.subtle.digest('SHA-256', bytes);
  return 'sha256:' + Array.from(new Uint8Array(digest), b => b.toString(16).padStart(2, '0')).join('');
}

/** nbformat allows a cell's source as one string or a list of lines. */
export function sourceText(source: string | string[]): string {
  return Array.isArray(source) ? source.join('') : source;
}

/** code_hash: the digest of a cell's source as UTF-8. */
export function codeHash(source: string | string[]): Promise<string> {
  return sha256(sourceText(source));
}

/** First hex digits of a digest, for display. */
export function shortDigest(digest: string, length = 8): string {
  return digest.replace(/^sha256:/, '').slice(0, length);
}
