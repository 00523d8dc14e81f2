/** A real 16×16 PNG, all one blue, for tests that need a photo (and screenshots that show it). */
export const tinyPng = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAABAAAAAQCAIAAACQkWg2AAAAFklEQVR42mPQyDtBEmIY1TCqYfhqAAByaV4QpfaVqwAAAABJRU5ErkJggg==',
  'base64',
);

/** The first bytes of a GIF: enough to be recognised as one. */
export const gifBytes = Buffer.concat([Buffer.from('GIF89a'), Buffer.alloc(32)]);
