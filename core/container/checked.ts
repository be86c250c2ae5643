/** A check's outcome: the value that passed, or the problem found, in words. */
export type Checked<T> = { ok: true; value: T } | { ok: false; problem: string };

export const ok = <T>(value: T): Checked<T> => ({ ok: true, value });
export const problem = <T>(message: string): Checked<T> => ({ ok: false, problem: message });
