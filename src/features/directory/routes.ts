import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../../app.ts';

export async function registerDirectoryRoutes(_app: FastifyInstance, _deps: AppDeps) {}
