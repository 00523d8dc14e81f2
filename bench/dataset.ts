import { uuidv7 } from 'uuidv7';
import type { Config } from '../server/config.ts';
import type { Database } from '../server/db/client.ts';
import { signUp } from '../server/modules/auth/auth.service.ts';

export interface Dataset {
  workspaceId: string;
  ownerId: string;
  email: string;
  password: string;
  /** The owner who holds the most contacts (the skew puts about a fifth of the book on them). */
  busiestOwnerId: string;
  sampleContactIds: string[];
  contacts: number;
}

/**
 * A workspace of `contacts` people at `contacts / 5` companies, owned by 20 members with a skewed
 * share each, updated over three years. Generated inside the database with generate_series:
 * deterministic, and as fast as the database can write.
 */
export async function loadDataset(db: Database, config: Config, contacts: number): Promise<Dataset> {
  const email = `bench.${Date.now()}@rapport.local`;
  const password = 'benchmark password 2026';
  const { workspaceId, memberId } = await signUp(db.db, config, { name: 'Bench Owner', email, password, workspaceName: 'Bench' });
  const owners = [memberId, ...Array.from({ length: 19 }, () => uuidv7())];
  const identities = owners.slice(1).map(() => uuidv7());
  for (const [i, id] of owners.slice(1).entries()) {
    await db.query(`insert into identities (id, email, password_hash) values ($1, $2, 'x')`, [
      identities[i],
      `o${i}.${workspaceId}@bench.local`,
    ]);
    await db.query(`insert into members (workspace_id, id, identity_id, name, email, role) values ($1, $2, $3, $4, $5, 'member')`, [
      workspaceId,
      id,
      identities[i],
      `Owner ${i + 1}`,
      `o${i}.${workspaceId}@bench.local`,
    ]);
  }
  const companies = Math.max(1, Math.floor(contacts / 5));
  const first = `array['Ada','Ben','Chloé','David','Elif','Farid','Grace','Hiro','Ines','Jonas','Kemal','Lena','Mateo','Nora','Omar','Priya','Quinn','Rosa','Sven','Tara']`;
  const last = `array['Smith','Müller','García','Rossi','Dubois','Kowalski','Nguyen','Patel','Kim','Jensen','Silva','Novak','Haddad','Okafor','Tanaka','Olsen','Costa','Meyer','Ivanova','Brown']`;
  const ownersArr = `array[${owners.map((o) => `'${o}'::uuid`).join(',')}]`;
  // Skew: owner k gets a share falling with k, so the first owners hold most of the book.
  const owner = `(${ownersArr})[1 + floor(20 * power(((i * 7919) % 1000) / 1000.0, 2.2))::int]`;
  await db.query(
    `insert into companies (workspace_id, id, name, domain, industry, owner_id, created_at, updated_at)
     select $1::uuid, gen_random_uuid(), 'Company ' || i, 'company' || i || '.example',
            (array['Software','Retail','Energy','Health','Finance'])[1 + i % 5], ${owner},
            now() - ((i * 37) % 1095) * interval '1 day', now() - ((i * 13) % 1095) * interval '1 day'
     from generate_series(1, $2::int) i`,
    [workspaceId, companies],
  );
  await db.query(
    `insert into contacts (workspace_id, id, first_name, last_name, emails, phones, title, lifecycle_stage, owner_id, created_at, updated_at)
     select $1::uuid, gen_random_uuid(), (${first})[1 + i % 20], (${last})[1 + (i / 20) % 20],
            jsonb_build_array(jsonb_build_object('label', 'work', 'value', 'person' || i || '@company' || (1 + i % $3::int) || '.example')),
            jsonb_build_array(jsonb_build_object('label', 'work', 'value', '+44 20 7946 0' || lpad((i % 1000)::text, 3, '0'))),
            (array['CEO','CTO','Buyer','Engineer','Head of Sales'])[1 + i % 5],
            (array['lead','customer','opportunity'])[1 + i % 3], ${owner},
            now() - ((i * 31) % 1095) * interval '1 day', now() - ((i * 7) % 1095) * interval '1 day' - (i % 86400) * interval '1 second'
     from generate_series(1, $2::int) i`,
    [workspaceId, contacts, companies],
  );
  await db.query(
    `insert into contact_companies (workspace_id, contact_id, company_id, role, is_primary)
     select c.workspace_id, c.id, co.id, 'Employee', true
     from contacts c join companies co on co.workspace_id = c.workspace_id
       and co.domain = split_part(c.emails->0->>'value', '@', 2)
     where c.workspace_id = $1`,
    [workspaceId],
  );
  for (const t of ['contacts', 'companies', 'contact_companies']) await db.query(`analyze ${t}`);
  const [busiest] = await db.query<{ owner_id: string }>(
    'select owner_id from contacts where workspace_id = $1 group by owner_id order by count(*) desc limit 1',
    [workspaceId],
  );
  const sample = await db.query<{ id: string }>('select id from contacts where workspace_id = $1 order by md5(id::text) limit 200', [
    workspaceId,
  ]);
  return {
    workspaceId,
    ownerId: memberId,
    email,
    password,
    busiestOwnerId: busiest.owner_id,
    sampleContactIds: sample.map((r) => r.id),
    contacts,
  };
}
