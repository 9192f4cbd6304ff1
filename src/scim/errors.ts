import { AppError } from '../errors.js';

/**
 * SCIM error types (RFC 7644 §3.12, table 9). The gateway's one error middleware renders an AppError
 * whose `details.scimType` is set as `{ schemas: [Error], status, scimType, detail }` under /scim/v2.
 */
export type ScimType = 'invalidFilter' | 'tooMany' | 'uniqueness' | 'mutability' | 'invalidSyntax' | 'invalidPath' | 'noTarget' | 'invalidValue' | 'invalidVers' | 'sensitive';

/** scimBadRequest is a 400 with a SCIM error type. */
export function scimBadRequest(scimType: ScimType, detail: string): AppError {
  return new AppError('VALIDATION_ERROR', detail, { scimType });
}

export const invalidFilter = (detail: string): AppError => scimBadRequest('invalidFilter', detail);
export const invalidPath = (detail: string): AppError => scimBadRequest('invalidPath', detail);
export const invalidValue = (detail: string): AppError => scimBadRequest('invalidValue', detail);
export const invalidSyntax = (detail: string): AppError => scimBadRequest('invalidSyntax', detail);
export const noTarget = (detail: string): AppError => scimBadRequest('noTarget', detail);
export const mutability = (detail: string): AppError => scimBadRequest('mutability', detail);

/** uniqueness is a 409 (RFC 7644 §3.3: a duplicate userName or group displayName). */
export function uniqueness(detail: string): AppError {
  return new AppError('CONFLICT', detail, { scimType: 'uniqueness' });
}

/** preconditionFailed is the 412 for an If-Match that names another version (no scimType). */
export function preconditionFailed(detail: string): AppError {
  return new AppError('PRECONDITION_FAILED', detail);
}

export function scimNotFound(detail: string): AppError {
  return new AppError('NOT_FOUND', detail);
}
