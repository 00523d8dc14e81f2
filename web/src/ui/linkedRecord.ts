import { type BuiltInType, segmentOf } from '../records.ts';

/** A record a task or an activity links to, as the API names it. */
export interface LinkedRecord {
  recordType: string;
  recordId: string;
  objectKey?: string | null;
}

/** The app's page of a linked record: `/contacts/<id>`, or `/o/<object key>/<id>` for a custom object's record. */
export function linkedRecordPath(l: LinkedRecord) {
  if (l.recordType === 'custom_record') return `/o/${l.objectKey}/${l.recordId}`;
  return `/${segmentOf[l.recordType as BuiltInType]}/${l.recordId}`;
}
