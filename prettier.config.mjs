// Prettier, set to the style the code was written in: single quotes, no trailing commas,
// `x => …` without parentheses, and long lines. printWidth 160 is the measured choice:
// the code's lines run to about 160 columns, and of 120, 140, 150 and 160 it is the
// width at which a whole-tree reformat changes the fewest lines.
/** @type {import('prettier').Config} */
export default {
  printWidth: 160,
  singleQuote: true,
  trailingComma: 'none',
  arrowParens: 'avoid'
};
