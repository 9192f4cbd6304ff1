import { AppError } from '../../src/errors.js';

/** scimTypeOf runs `run` and returns the scimType of the SCIM error it throws (undefined if none). */
export function scimTypeOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (err) {
    if (err instanceof AppError) return err.details.scimType as string;
    throw err;
  }
  return undefined;
}
