/**
 * Something that stops a Reproduce run, in words for the user: the message is short,
 * for the toast; `detail` is the rest, for the toast's Details.
 */
export class ReproduceError extends Error {
  constructor(
    message: string,
    readonly detail = ''
  ) {
    super(message);
  }
}
