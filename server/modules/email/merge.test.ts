import { describe, expect, it } from 'vitest';
import { MergeSyntaxError, render, textToHtml, tokenize, unknownField } from './merge.ts';

describe('merge fields', () => {
  it('splits text and tokens, with fallbacks and escaped quotes in them', () => {
    expect(tokenize('Hi {{ contact.firstName | "the \\"team\\"" }}!')).toEqual([
      'Hi ',
      { raw: '{{ contact.firstName | "the \\"team\\"" }}', path: 'contact.firstName', fallback: 'the "team"' },
      '!',
    ]);
    expect(tokenize('no fields { here }')).toEqual(['no fields { here }']);
  });

  it('refuses what is not a field, naming the token', () => {
    for (const bad of [
      '{{}}',
      '{{ contact.first name }}',
      '{{contact.firstName | there}}',
      '{{#each x}}',
      '{{{contact.firstName}}}',
      'a {{contact',
    ]) {
      expect(() => tokenize(bad), bad).toThrow(MergeSyntaxError);
    }
    try {
      tokenize('Hi {{contact..x}} there');
    } catch (e) {
      expect((e as MergeSyntaxError).token).toBe('{{contact..x}}');
    }
  });

  it('knows the fields and the live custom keys', () => {
    const custom = { contact: ['shoe'], deal: ['tier'] };
    expect(unknownField('contact.company.name', custom)).toBeNull();
    expect(unknownField('deal.custom.tier', custom)).toBeNull();
    expect(unknownField('contact.custom.tier', custom)).toBe('contact has no custom field "tier"');
    expect(unknownField('contact.password', custom)).toMatch(/is not a merge field/);
  });

  it('fills values, takes the fallback for empty ones, and escapes everything in HTML', () => {
    const parts = tokenize('Hi {{contact.firstName | "there"}} <{{contact.custom.tags}}>\nbye');
    expect(render(parts, { 'contact.firstName': '  ', 'contact.custom.tags': ['a', 'b'] })).toBe('Hi there <a, b>\nbye');
    expect(textToHtml(parts, { 'contact.firstName': '<script>x</script>' })).toBe(
      '<div>Hi &lt;script&gt;x&lt;/script&gt; &lt;&gt;<br>\nbye</div>',
    );
  });
});
