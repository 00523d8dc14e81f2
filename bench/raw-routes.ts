import type { FastifyInstance } from 'fastify';

// The benchmark's yardsticks, served by the same server, driver and database as the API:
// an empty route (the framework's ceiling) and the best hand-written SQL for each workload.
// Registered only when RAPPORT_BENCH_ROUTES=1; never in production.

const contactJson = `
  c.id, c.first_name as "firstName", c.last_name as "lastName", c.emails, c.phones, c.title, c.address,
  c.lifecycle_stage as "lifecycleStage", c.source, c.owner_id as "ownerId", c.last_activity_at as "lastActivityAt",
  c.custom, c.version, c.created_at as "createdAt", c.updated_at as "updatedAt", c.created_by as "createdBy", c.deleted_at as "deletedAt",
  coalesce((select json_agg(json_build_object('companyId', cc.company_id, 'name', co.name, 'role', cc.role, 'isPrimary', cc.is_primary))
            from contact_companies cc join companies co on co.workspace_id = cc.workspace_id and co.id = cc.company_id
            where cc.workspace_id = c.workspace_id and cc.contact_id = c.id), '[]') as companies`;

export async function benchRoutes(app: FastifyInstance) {
  app.get('/api/bench/empty', async () => ({ ok: true }));

  app.get('/api/bench/raw/contacts', async (req) => {
    const q = req.query as { workspaceId: string; ownerId: string; limit?: string };
    const rows = await app.database.query(
      `select ${contactJson} from contacts c
       where c.workspace_id = $1 and c.owner_id = $2 and c.deleted_at is null
       order by c.updated_at desc, c.id desc limit $3`,
      [q.workspaceId, q.ownerId, Number(q.limit ?? 50)],
    );
    return { data: rows };
  });

  app.get('/api/bench/raw/contacts/:id', async (req) => {
    const q = req.query as { workspaceId: string };
    const [row] = await app.database.query(`select ${contactJson} from contacts c where c.workspace_id = $1 and c.id = $2`, [
      q.workspaceId,
      (req.params as { id: string }).id,
    ]);
    return row;
  });
}
