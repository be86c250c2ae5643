/**
 * One output of a code cell as nbformat 4 stores it (stream, display_data,
 * execute_result, error): what a notebook holds and a verdict request carries.
 * Loosely typed on purpose: every field but `output_type` depends on it.
 */
export type Output = Record<string, unknown> & { output_type: string };
