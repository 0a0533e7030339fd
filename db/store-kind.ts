/** Which store a process runs on: PostgreSQL when `DATABASE_URL` is a postgres:// URL, else SQLite. */
export type StoreKind = "sqlite" | "postgres";

export function storeKind(source: Record<string, string | undefined>): StoreKind {
  const url = source.DATABASE_URL?.trim();
  return url && /^postgres(ql)?:\/\//i.test(url) ? "postgres" : "sqlite";
}
