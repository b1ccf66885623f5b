/** A command line the CLI cannot act on: printed as one line, exit code 1. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export const QARD_PROVIDER_USAGE = `  npm run cli -- qard-provider configure --provider P --enabled true|false --auto-connect true|false
                 [--client-id ID --client-secret-file FILE]
                                               set a Qard provider for the whole deployment`;
