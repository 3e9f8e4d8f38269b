/** The error every layer throws when what the user asked for cannot be used: the CLI prints it and exits 2. */
import { redactText } from './secrets.ts';

/** The configuration could not be used: the message names the key, the value and what is allowed. */
export class ConfigError extends Error {
  constructor(message: string) {
    // A config error quotes values (a mistyped URL, a snippet of bad JSON): never their credentials.
    super(redactText(message));
    this.name = 'ConfigError';
  }
}
