import type { FastifyInstance } from 'fastify';
import { authRoutes } from './auth/auth.routes.ts';
import { companyRoutes } from './companies/companies.routes.ts';

/** Every module's routes under /api/v1. A new module adds one line here. */
export async function moduleRoutes(app: FastifyInstance) {
  await app.register(authRoutes);
  await app.register(companyRoutes);
}
