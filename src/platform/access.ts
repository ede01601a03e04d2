import type { Role } from '../db/schema.ts';
import { ForbiddenError, NotFoundError } from './errors.ts';

/** The signed-in user as every service sees them. Built once per request from the session or token. */
export interface Actor {
  userId: string;
  name: string;
  email: string;
  organisationId: string;
  organisationName: string;
  roles: Role[];
  areaIds: string[];
  teamIds: string[];
  /** Teams this user manages: a manager sees what their team's practitioners see. */
  managedTeamIds: string[];
  via: 'session' | 'token';
}

/** Roles that may use the child index: names, family and who is involved, never case detail. */
export const INDEX_ROLES: Role[] = [
  'practitioner',
  'manager',
  'front_door',
  'integrated_processes',
  'panel_admin',
  'panel_chair',
  'panel_member',
];

/** Roles that review possible duplicates in the child index and merge or unmerge records. */
export const DUPLICATE_ROLES: Role[] = ['system_admin', 'integrated_processes'];

export function hasRole(actor: Actor, ...roles: Role[]): Role | undefined {
  return roles.find((r) => actor.roles.includes(r));
}

/**
 * Function-level check: the actor holds one of the roles, or the request is refused.
 * Returns the role that allowed it, for the audit record.
 */
export function requireRole(actor: Actor | null | undefined, ...roles: Role[]): Role {
  if (!actor) throw new ForbiddenError();
  const role = hasRole(actor, ...roles);
  if (!role) throw new ForbiddenError();
  return role;
}

/** A reason an actor may see a record, as found by a feature's relationship query. */
export interface Relationship {
  kind: string;
  role?: Role;
  description: string;
}

/**
 * Record-level check, deny by default: the feature supplies the relationships it found between the
 * actor and the record; with none, the record is reported as not found so its existence never leaks.
 */
export function requireRelationship(relationships: Relationship[]): Relationship {
  const first = relationships[0];
  if (!first) throw new NotFoundError();
  return first;
}

export const ROLE_LABELS: Record<Role, string> = {
  practitioner: 'Practitioner',
  manager: 'Manager',
  front_door: 'Front door worker',
  integrated_processes: 'Integrated processes officer / targeted services leader',
  panel_admin: 'Panel administrator',
  panel_chair: 'Panel chair',
  panel_member: 'Panel member',
  analyst: 'Analyst',
  data_protection: 'Data protection officer',
  system_admin: 'System administrator',
};
