import type { Metadata } from "next";
import { formatDate } from "@/lib/dates";
import { ACCOUNT_ERRORS, ACCOUNT_NOTICES } from "@/lib/auth/account-notices";
import { ROLE_LABELS, USER_ROLES } from "@/lib/auth/permissions";
import { requirePermission } from "@/lib/auth/session";
import { listAccounts } from "@/lib/auth/users";
import { noticeText } from "@/lib/http/notices";
import { changeRoleAction, deleteUserAction, setBannedAction } from "./actions";

export const metadata: Metadata = { title: "Users", robots: { index: false } };
export const dynamic = "force-dynamic";

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function UsersPage({ searchParams }: Props) {
  const me = await requirePermission("user:manage", { callbackUrl: "/admin/users" });
  const params = await searchParams;
  const accounts = await listAccounts();
  // Codes only: a known code shows its fixed text (names from the accounts' rows), anything else nothing.
  const names = { nameOf: (id: number) => accounts.find((a) => a.id === id)?.name };
  const notice = noticeText(ACCOUNT_NOTICES, "notice", params, names);
  const error = noticeText(ACCOUNT_ERRORS, "error", params, names);
  return (
    <div className="admin-page">
      <h1 className="page-heading">Users</h1>
      {notice ? <p className="form-notice" role="status">{notice}</p> : null}
      {error ? <p className="form-message" role="alert">{error}</p> : null}
      <p className="muted">
        {accounts.length} account{accounts.length === 1 ? "" : "s"}. Deleting an account keeps its comments as guest
        comments unless you choose to remove them.
      </p>
      <div className="table-scroll" role="region" aria-label="Accounts" tabIndex={0}>
        <table className="data-table">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Email</th>
              <th scope="col">Role</th>
              <th scope="col">Comments</th>
              <th scope="col">Joined</th>
              <th scope="col">Last sign-in</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {accounts.map((a) => {
              const self = a.id === me.id;
              return (
                <tr key={a.id} aria-label={a.name}>
                  <td>
                    {a.name}
                    {self ? <span className="muted"> (you)</span> : null}
                    {a.banned ? <span className="badge badge--danger">Banned</span> : null}
                  </td>
                  <td>{a.email}</td>
                  <td>{ROLE_LABELS[a.role]}</td>
                  <td>{a.commentCount}</td>
                  <td>{formatDate(a.createdAt)}</td>
                  <td>{a.lastSignInAt ? formatDate(a.lastSignInAt) : "never"}</td>
                  <td className="row-actions">
                    {self ? (
                      <span className="muted">—</span>
                    ) : (
                      <>
                        <form action={changeRoleAction} className="inline-form">
                          <input type="hidden" name="userId" value={a.id} />
                          <label className="visually-hidden" htmlFor={`role-${a.id}`}>
                            Role for {a.name}
                          </label>
                          <select id={`role-${a.id}`} name="role" defaultValue={a.role}>
                            {USER_ROLES.map((r) => (
                              <option key={r} value={r}>
                                {ROLE_LABELS[r]}
                              </option>
                            ))}
                          </select>
                          <button type="submit">Change role</button>
                        </form>
                        <form action={setBannedAction} className="inline-form">
                          <input type="hidden" name="userId" value={a.id} />
                          <input type="hidden" name="banned" value={a.banned ? "false" : "true"} />
                          <button type="submit">{a.banned ? "Unban" : "Ban"}</button>
                        </form>
                        <details className="danger-zone">
                          <summary>Delete…</summary>
                          <form action={deleteUserAction} className="stack-form">
                            <input type="hidden" name="userId" value={a.id} />
                            <fieldset>
                              <legend>Their {a.commentCount} comment{a.commentCount === 1 ? "" : "s"}</legend>
                              <label>
                                <input type="radio" name="comments" value="keep" defaultChecked /> keep as guest comments
                              </label>
                              <label>
                                <input type="radio" name="comments" value="remove" /> delete them too
                              </label>
                            </fieldset>
                            <label>
                              <input type="checkbox" name="confirm" value="yes" /> I am sure
                            </label>
                            <button type="submit" className="button--danger">
                              Delete account
                            </button>
                          </form>
                        </details>
                      </>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </div>
  );
}
