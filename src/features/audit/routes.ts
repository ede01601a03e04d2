import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../../app.ts';

export function registerAuditRoutes(_app: FastifyInstance, _deps: AppDeps) {}
