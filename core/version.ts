/** The product version; the build replaces this from package.json. */
declare const __RETRACE_VERSION__: string | undefined;
export const RETRACE_VERSION: string = typeof __RETRACE_VERSION__ === 'string' ? __RETRACE_VERSION__ : '0.0.0-dev';
