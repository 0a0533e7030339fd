import type { Metadata } from "next";
import Link from "next/link";
import { articleToForm } from "@/lib/articles/editorial";
import { requirePermission } from "@/lib/auth/session";
import { ArticleForm } from "../article-form";

export const metadata: Metadata = { title: "New article", robots: { index: false } };
export const dynamic = "force-dynamic";

export default async function NewArticlePage() {
  await requirePermission("article:edit", { callbackUrl: "/editor/new" });
  return (
    <div className="admin-page">
      <p>
        <Link href="/editor">← All articles</Link>
      </p>
      <h1 className="page-heading">New article</h1>
      <ArticleForm id={null} published={false} initial={{ status: "idle", message: null, fieldErrors: {}, values: articleToForm(null), version: null }} />
    </div>
  );
}
