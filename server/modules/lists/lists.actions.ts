import Type from 'typebox';
import { Uuid } from '../../../contract/common.ts';
import { invalid } from '../../http/errors.ts';
import { closed, needRecord } from '../automation/action-values.ts';
import { problem } from '../automation/checks.ts';
import type { AutomationObject, Rec } from '../automation/objects.ts';
import { type ActionContext, type CheckEnv, defineAction } from '../automation/types.ts';
import { addMembers, findList, isMember, removeMembers } from './lists.service.ts';

// "Add to a list" and "Remove from a list" as steps of a workflow rule, on the run's record. Both
// are idempotent: the membership is a set, so a step tried again (its worker died, the run was
// retried) adds or takes out nothing twice, and only a real change writes an event.

const ListInput = Type.Object({ listId: Uuid }, closed);

/** What a record is called in a sentence: its name, title or subject. */
function nameOf(r: Rec) {
  const name =
    r.name ?? r.title ?? r.subject ?? [r.firstName, r.lastName].filter((x) => x !== null && x !== undefined && x !== '').join(' ');
  return typeof name === 'string' && name ? name : r.id;
}

/** The list a step names, still there and holding the run's object; a problem naming the step's input otherwise. */
async function listFor(ac: ActionContext, listId: string) {
  const { obj, record } = needRecord(ac);
  const list = await findList(ac.conn, ac.ctx, listId);
  if (!list) throw invalid([{ field: 'input.listId', code: 'unknown_list', message: 'the list was deleted' }]);
  if (list.objectType !== obj.name) {
    throw invalid([
      { field: 'input.listId', code: 'wrong_object', message: `"${list.name}" holds ${list.objectType} records, not ${obj.name}` },
    ]);
  }
  return { list, record };
}

/** Save-time: the list exists and holds records of the rule's object. */
async function checkList(input: { listId: string }, env: CheckEnv, at: string, obj: AutomationObject | null) {
  if (!obj) return [problem(at, 'no_record', 'runs of this trigger have no record to put in a list')];
  const list = await findList(env.conn, env.ctx, input.listId);
  if (!list) return [problem(`${at}.listId`, 'unknown_list', 'is not a list of this workspace')];
  if (list.objectType !== obj.name) {
    return [
      problem(`${at}.listId`, 'wrong_object', `"${list.name}" holds ${list.objectType} records; this rule's runs are about ${obj.name}`),
    ];
  }
  return [];
}

export const addToList = defineAction({
  name: 'add_to_list',
  label: 'Add to a list',
  description: "Puts the run's record in a static list of its object (nothing changes when it is in it already).",
  input: ListInput,
  needsRecord: true,
  check: checkList,
  writes: () => [],
  run: async (ac, input) => {
    const { list, record } = await listFor(ac, input.listId);
    const { added } = await addMembers(ac.conn, ac.ctx, list.id, [record.id], () => 'record');
    return {
      detail: added ? `Added ${nameOf(record)} to ${list.name}` : `${nameOf(record)} was already in ${list.name}`,
      output: { listId: list.id, added },
    };
  },
  describe: async (ac, input) => {
    const { list, record } = await listFor(ac, input.listId);
    if (await isMember(ac.conn, ac.ctx, list.id, record.id)) return `${nameOf(record)} is already in ${list.name}: would add nothing`;
    return `Would add ${nameOf(record)} to ${list.name}`;
  },
});

export const removeFromList = defineAction({
  name: 'remove_from_list',
  label: 'Remove from a list',
  description: "Takes the run's record out of a static list (nothing changes when it is not in it).",
  input: ListInput,
  needsRecord: true,
  check: checkList,
  writes: () => [],
  run: async (ac, input) => {
    const { list, record } = await listFor(ac, input.listId);
    const { removed } = await removeMembers(ac.conn, ac.ctx, list.id, [record.id]);
    return {
      detail: removed ? `Took ${nameOf(record)} out of ${list.name}` : `${nameOf(record)} was not in ${list.name}`,
      output: { listId: list.id, removed },
    };
  },
  describe: async (ac, input) => {
    const { list, record } = await listFor(ac, input.listId);
    if (!(await isMember(ac.conn, ac.ctx, list.id, record.id))) return `${nameOf(record)} is not in ${list.name}: would remove nothing`;
    return `Would take ${nameOf(record)} out of ${list.name}`;
  },
});
