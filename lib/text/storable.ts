/**
 * Text a database can store. PostgreSQL refuses the NUL character (U+0000)
 * in text and JSON, where SQLite keeps it: free text from a form is refused
 * with this message instead of failing (a 500) on one store only.
 */
export function hasNul(value: string): boolean {
  return value.includes("\u0000");
}

export function nulMessage(label: string): string {
  return `${label} contains a NUL character (U+0000), which cannot be stored. Remove it and try again.`;
}
