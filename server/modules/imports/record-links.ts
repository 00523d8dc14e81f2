import { getTableName, sql } from 'drizzle-orm';
import type { Pipeline } from '../../../contract/pipelines.ts';
import { type Conn, selectRows } from '../../db/client.ts';
import type { Ctx } from '../../http/context.ts';
import type { ObjectDef } from '../../records/object-def.ts';
import { listMembers } from '../auth/members.service.ts';
import { listPipelines } from '../pipelines/pipelines.service.ts';
import { objectDefs } from '../registry.ts';
import { companiesByKey } from './companies.queries.ts';
import { contactsByEmail } from './imports.queries.ts';
import type { RecordCandidate, RelationCell } from './record-rows.ts';
import { domainOf, emailOf, listOf, show } from './values.ts';

// Cells that name other records or members, found a batch at a time: one kind of relation at a time,
// whatever the object (an owner is a member by email or name; a pipeline and its stage by name; a
// company by domain or name; contacts by email; a linked contact, lead, company or deal by email or
// name). What cannot be found is left out with a warning; the row stays.

const jsonb = (v: unknown) => sql`${JSON.stringify(v)}::jsonb`;
const fold = (s: string) => s.normalize('NFC').trim().replace(/\s+/g, ' ').toLowerCase();

/** Records of one type whose title (the object's `title` SQL: a name, else an email) is one of `names`, ignoring case: name → the oldest. */
async function recordsByTitle(conn: Conn, ctx: Ctx, def: ObjectDef, names: string[]) {
  const found = new Map<string, string>();
  if (!names.length || !def.title) return found;
  const rows = await selectRows<{ key: string; id: string }>(
    conn,
    sql`select lower(${sql.raw(def.title)}) as key, r.id from ${sql.identifier(getTableName(def.table))} r
      where r.workspace_id = ${ctx.workspaceId} and r.deleted_at is null
        and lower(${sql.raw(def.title)}) = any(select jsonb_array_elements_text(${jsonb(names)}))
      order by r.id`,
  );
  for (const r of rows) if (!found.has(r.key)) found.set(r.key, r.id);
  return found;
}

/** Records of one type holding an email, through the search index (as contactsByEmail): email → the oldest. */
async function recordsByEmail(conn: Conn, ctx: Ctx, type: string, emails: string[]) {
  const found = new Map<string, string>();
  if (!emails.length) return found;
  const rows = await selectRows<{ email: string; id: string }>(
    conn,
    sql`select e.email, t.record_id as id from jsonb_array_elements_text(${jsonb(emails)}) e(email)
      cross join lateral (
        select st.record_id from search_terms st
        where st.workspace_id = ${ctx.workspaceId} and st.term = left(rapport_fold(e.email), 200)
          and (st.record_type || '') = ${type} and (st.kind || '') = 'email'
        order by st.record_id limit 1) t`,
  );
  for (const r of rows) found.set(r.email, r.id);
  return found;
}

type Note = (cell: RelationCell, why: string) => void;

/**
 * Finds what a batch's relation cells name, and writes the ids into each candidate's values:
 * `ownerId`, `pipelineId` + `stageId`, `companyId`, `contacts`, `links`. Members and pipelines are read
 * once per import; records once per batch.
 */
export class Relations {
  private members?: { byEmail: Map<string, string>; byName: Map<string, string> };
  private pipelines?: Pipeline[];

  /** Whether the object sits in a pipeline (a deal): every row gets a stage, the first open one by default. */
  private staged: boolean;

  constructor(
    private ctx: Ctx,
    fields: { name: string }[],
  ) {
    this.staged = fields.some((f) => f.name === 'stageId');
  }

  async resolve(conn: Conn, rows: RecordCandidate[], warn: (row: RecordCandidate, cell: RelationCell, why: string) => void) {
    const cells = rows.flatMap((r) => r.relations.map((cell) => ({ r, cell })));
    const kinds = new Set(cells.map((c) => c.cell.field.type.kind === 'relation' && c.cell.field.type.relation));
    if (kinds.has('member') && !this.members) {
      const all = await listMembers(conn, this.ctx);
      this.members = { byEmail: new Map(), byName: new Map() };
      for (const m of all) {
        if (m.disabledAt) continue;
        this.members.byEmail.set(fold(m.email), m.id);
        if (!this.members.byName.has(fold(m.name))) this.members.byName.set(fold(m.name), m.id);
      }
    }
    if (this.staged && rows.length && !this.pipelines) this.pipelines = await listPipelines(conn, this.ctx);
    // Every email, company and record name the batch names, looked up at once.
    const emails = new Set<string>();
    const companyNames = new Set<string>();
    const companyDomains = new Set<string>();
    const titles: Record<string, Set<string>> = { contact: new Set(), deal: new Set(), lead: new Set() };
    const leadEmails = new Set<string>();
    for (const { cell } of cells) {
      const t = cell.field.type;
      if (t.kind !== 'relation') continue;
      if (t.relation === 'contacts') for (const e of listOf(cell.value, /[;,\n]/)) if (emailOf(e)) emails.add(emailOf(e) as string);
      if (t.relation === 'company' || (t.relation === 'link' && t.linkType === 'company')) {
        const domain = !/\s/.test(cell.value) && cell.value.includes('.') ? domainOf(cell.value) : null;
        if (domain) companyDomains.add(domain);
        else companyNames.add(cell.value);
      }
      if (t.relation === 'link' && t.linkType && t.linkType !== 'company') {
        const email = emailOf(cell.value);
        if (email && t.linkType === 'contact') emails.add(email);
        else if (email && t.linkType === 'lead') leadEmails.add(email);
        else titles[t.linkType]?.add(fold(cell.value));
      }
    }
    // One after another: a transaction is one connection, which runs one query at a time.
    const contactIds = await contactsByEmail(conn, this.ctx, [...emails]);
    const companies = await companiesByKey(conn, this.ctx, [...companyNames], [...companyDomains]);
    const leadIds = await recordsByEmail(conn, this.ctx, 'lead', [...leadEmails]);
    const byTitle: Map<string, string>[] = [];
    for (const [type, names] of Object.entries(titles))
      byTitle.push(await recordsByTitle(conn, this.ctx, objectDefs[type] as ObjectDef, [...names]));
    const titleIds = Object.fromEntries(Object.keys(titles).map((type, i) => [type, byTitle[i]]));
    const companyOf = (v: string) => {
      const domain = !/\s/.test(v) && v.includes('.') ? domainOf(v) : null;
      return domain ? companies.byDomain.get(domain)?.id : companies.byName.get(v)?.id;
    };

    for (const r of rows) {
      const note: Note = (cell, why) => warn(r, cell, why);
      const links: { recordType: string; recordId: string }[] = [];
      let stageCell: RelationCell | undefined;
      let pipelineCell: RelationCell | undefined;
      for (const cell of r.relations) {
        const t = cell.field.type;
        if (t.kind !== 'relation') continue;
        switch (t.relation) {
          case 'member': {
            const id = this.members?.byEmail.get(fold(cell.value)) ?? this.members?.byName.get(fold(cell.value));
            if (id) r.values[cell.field.property] = id;
            else note(cell, `${show(cell.value)} is not an active member of this workspace (by email or name); the import's owner taken`);
            break;
          }
          case 'stage':
            stageCell = cell;
            break;
          case 'pipeline':
            pipelineCell = cell;
            break;
          case 'company': {
            const id = companyOf(cell.value);
            if (id) r.values.companyId = id;
            else note(cell, `no company named ${show(cell.value)} (by name or domain); left empty`);
            break;
          }
          case 'contacts': {
            const found: { contactId: string }[] = [];
            for (const e of listOf(cell.value, /[;,\n]/)) {
              const email = emailOf(e);
              const id = email ? contactIds.get(email) : undefined;
              if (id && !found.some((f) => f.contactId === id)) found.push({ contactId: id });
              else if (!id) note(cell, `no contact with the email ${show(e)}; left out`);
            }
            if (found.length) r.values.contacts = found;
            break;
          }
          case 'link': {
            const type = t.linkType as string;
            const email = emailOf(cell.value);
            const id =
              type === 'company'
                ? companyOf(cell.value)
                : email && type === 'contact'
                  ? contactIds.get(email)
                  : email && type === 'lead'
                    ? leadIds.get(email)
                    : titleIds[type]?.get(fold(cell.value));
            if (id) {
              if (!links.some((l) => l.recordId === id)) links.push({ recordType: type, recordId: id });
            } else note(cell, `no ${type} ${email ? 'with the email' : 'named'} ${show(cell.value)}; not linked`);
            break;
          }
        }
      }
      if (links.length) r.values.links = links;
      this.place(r, pipelineCell, stageCell, note);
    }
  }

  /**
   * A deal's pipeline and stage by name: the stage of that name in the pipeline named (or, without
   * one, in the first pipeline that has it); an unknown or missing stage is the pipeline's first open
   * stage, an unknown pipeline the first pipeline.
   */
  private place(r: RecordCandidate, pipelineCell: RelationCell | undefined, stageCell: RelationCell | undefined, note: Note) {
    if (!this.staged) return;
    const pipelines = this.pipelines ?? [];
    if (!pipelines.length) return;
    let pipeline = pipelineCell ? pipelines.find((p) => fold(p.name) === fold(pipelineCell.value)) : undefined;
    if (pipelineCell && !pipeline) note(pipelineCell, `no pipeline named ${show(pipelineCell.value)}; ${pipelines[0].name} taken`);
    let stage = undefined as Pipeline['stages'][number] | undefined;
    if (stageCell) {
      const named = (p: Pipeline) => p.stages.find((s) => fold(s.name) === fold(stageCell.value));
      if (pipeline) stage = named(pipeline);
      else {
        pipeline = pipelines.find((p) => named(p));
        stage = pipeline && named(pipeline);
      }
    }
    pipeline ??= pipelines[0];
    if (stageCell && !stage) {
      stage = pipeline.stages.find((s) => s.kind === 'open') ?? pipeline.stages[0];
      note(stageCell, `no stage named ${show(stageCell.value)} in ${pipeline.name}; ${stage?.name} taken`);
    }
    stage ??= pipeline.stages.find((s) => s.kind === 'open') ?? pipeline.stages[0];
    r.values.pipelineId = pipeline.id;
    if (stage) r.values.stageId = stage.id;
  }
}
