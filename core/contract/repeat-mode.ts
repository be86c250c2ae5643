/**
 * How a repeat treats paths the audit never saw (docs/container.md): `layered` lets
 * them fall through to the host, `strict` does not. Stored in the notebook's metadata
 * and the repeat session's record, chosen in the frontend's settings.
 */
export type RepeatMode = 'layered' | 'strict';
