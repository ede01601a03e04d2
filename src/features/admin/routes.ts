import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../../app.ts';

export function registerAdminRoutes(_app: FastifyInstance, _deps: AppDeps) {}
