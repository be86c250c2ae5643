/**
 * Errors in what the user gave (a broken notebook, an archive that is not a
 * container, a notebook never audited): the CLI prints their message alone and exits
 * 2, the companion answers 4xx. Anything else is a fault of retrace's.
 */
export class InputError extends Error {}
