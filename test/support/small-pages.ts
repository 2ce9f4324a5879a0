import type { S3Client } from '@aws-sdk/client-s3';
import type { SFNClient } from '@aws-sdk/client-sfn';

/**
 * Makes a client ask for `size` items a page in every `command` call (by setting the input's `field`), so listing
 * code has to follow continuation tokens; returns the list of pages requested, one entry per call.
 */
export function smallPages(client: S3Client | SFNClient, command: string, field: string, size: number): number[] {
  const pages: number[] = [];
  (client as S3Client).middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === command) {
        (args.input as Record<string, unknown>)[field] = size;
        pages.push(size);
      }
      return next(args);
    },
    { step: 'initialize', name: 'smallPages' },
  );
  return pages;
}
