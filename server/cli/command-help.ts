/**
 * What a `retrace` command says about itself: one line for the list `retrace help`
 * prints, and the usage `retrace COMMAND --help` prints. Each command's file exports
 * its own, so the text is written once, beside the code it describes.
 */
export interface CommandHelp {
  /** The word after `retrace` (`kernel` covers both kernels). */
  name: string;
  /** What it does, in a line short enough for the list of commands. */
  summary: string;
  /**
   * The whole text: a first line `usage: retrace NAME …`, what it does in a sentence,
   * its arguments and options with their defaults, its exit status and an example.
   */
  usage: string;
}
