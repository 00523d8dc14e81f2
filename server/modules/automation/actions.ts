import { sendEmailAction } from '../email/email.actions.ts';
import { addToList, removeFromList } from '../lists/lists.actions.ts';
import { callWebhook } from './http-actions.ts';
import { assignOwner, notifyMember } from './member-actions.ts';
import { createRecord, createTaskAction, updateRecord } from './record-actions.ts';
import type { ActionDef } from './types.ts';

// The action registry: what a step of type `action` can do. Each action is data (types.ts): a name,
// a label, a TypeBox input schema, save-time checks, run() and describe() for dry runs. Modules
// declare their own (send an email lives in the email module) and are listed here; a module added
// at run time can still registerAction.

const registry = new Map<string, ActionDef>(
  [updateRecord, createRecord, createTaskAction, assignOwner, notifyMember, addToList, removeFromList, callWebhook, sendEmailAction].map(
    (a) => [a.name, a],
  ),
);

export function registerAction(def: ActionDef) {
  if (registry.has(def.name)) throw new Error(`action ${def.name} is registered twice`);
  registry.set(def.name, def);
}

export const actionOf = (name: string) => registry.get(name);
export const allActions = () => [...registry.values()];
