import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  companySizes,
  customFieldTypes,
  dealStatuses,
  leadStatuses,
  lifecycleStages,
  objectIcons,
  stageKinds,
  taskPriorities,
} from '../../../contract/enums.ts';
import { de } from './de.ts';
import { en } from './en.ts';

type Tree = { [k: string]: string | Tree };
const flat = (o: Tree, p = ''): Record<string, string> =>
  Object.fromEntries(
    Object.entries(o).flatMap(([k, v]) => (typeof v === 'string' ? [[`${p}${k}`, v]] : Object.entries(flat(v, `${p}${k}.`)))),
  );
const enFlat = flat(en as unknown as Tree);
const deFlat = flat(de as unknown as Tree);
const placeholders = (s: string) => [...s.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return /\.tsx?$/.test(name) && !name.endsWith('.test.ts') && name !== 'api-types.ts' ? [path] : [];
  });
}

describe('translations', () => {
  it('German has every English message, with the same placeholders', () => {
    for (const [key, text] of Object.entries(enFlat)) {
      expect(deFlat[key], key).toBeTypeOf('string');
      expect(placeholders(deFlat[key]), key).toEqual(placeholders(text));
    }
  });

  it('German words every problem and field-error code English does, with the same placeholders', () => {
    for (const [key, text] of Object.entries(deFlat).filter(([k]) => /^(problems|fieldErrors)\./.test(k))) {
      if (enFlat[key]) expect(placeholders(text), key).toEqual(placeholders(enFlat[key]));
    }
  });

  it('every key the web app names literally exists', () => {
    const missing: string[] = [];
    for (const file of sources(join(import.meta.dirname, '..'))) {
      for (const m of readFileSync(file, 'utf8').matchAll(/\bt\(\s*'([a-zA-Z][\w.-]*)'/g)) {
        const key = m[1];
        if (!(key in enFlat) && !(`${key}_one` in enFlat)) missing.push(`${file}: ${key}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('every stored name has words in both languages', () => {
    const lists = {
      lifecycleStage: lifecycleStages,
      companySize: companySizes,
      leadStatus: leadStatuses,
      dealStatus: dealStatuses,
      stageKind: stageKinds,
      priority: taskPriorities,
      fieldType: customFieldTypes,
      icon: objectIcons,
    };
    for (const [group, values] of Object.entries(lists))
      for (const v of values) {
        expect(enFlat[`enums.${group}.${v}`], `en enums.${group}.${v}`).toBeTypeOf('string');
        expect(deFlat[`enums.${group}.${v}`], `de enums.${group}.${v}`).toBeTypeOf('string');
      }
  });
});
