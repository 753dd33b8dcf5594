/** The package version, read from package.json at run time (works from src/ under jest and from dist/). */
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const VERSION: string = require('../package.json').version;
