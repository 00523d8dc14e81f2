/** A file's bytes as base64, for the API bodies that carry files (an email, a ticket reply). */
export async function toBase64(file: File) {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin);
}

export const formatBytes = (n: number) =>
  n < 1024 ? `${n} B` : n < 1024 * 1024 ? `${Math.ceil(n / 1024)} KB` : `${(n / (1024 * 1024)).toFixed(1)} MB`;

/**
 * What the server takes at most with one message, the files together (RAPPORT_EMAIL_ATTACHMENT_MAX_BYTES
 * by default); the server checks again and says so, naming the file.
 */
export const MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024;
