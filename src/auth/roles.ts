export const ROLES = ['admin', 'reviewer', 'agent', 'viewer'] as const;
export type Role = (typeof ROLES)[number];
