// Vitest runs tests through Vite, which provides import.meta.glob; these are the forms we use.
interface ImportMeta {
  glob<T = unknown>(pattern: string | string[], options: { eager: true }): Record<string, T>;
  glob<T = unknown>(pattern: string): Record<string, () => Promise<T>>;
}
