import { createContext, useContext } from 'react';
import type { FieldError } from '../../api.ts';
import type { Column } from '../lists/columns.ts';
import type { RuleLabels } from './labels.ts';
import type { Catalog, RuleField } from './useAutomation.ts';

/** What every step of the editor reads: the catalog, the trigger's object and its fields, the save's problems. */
export interface EditorContext {
  catalog: Catalog;
  /** The object the rule's runs are about (null: runs without a record). */
  object: string | null;
  fields: RuleField[];
  /** The object's fields as FilterBuilder columns (no previous values: steps read the record as it is). */
  columns: Column[];
  labels: RuleLabels;
  errors: FieldError[];
  readOnly: boolean;
}

export const EditorCtx = createContext<EditorContext | null>(null);
export function useEditor() {
  const c = useContext(EditorCtx);
  if (!c) throw new Error('useEditor outside the rule editor');
  return c;
}
