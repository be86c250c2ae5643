/** The strace trace reader: lines, streams, events, process tree and cell split. */
export * from './args';
export * from './c-string';
export * from './parse-line';
export * from './stream';
export * from './events';
export * from './markers';
export * from './paths';
export * from './sockaddr';
