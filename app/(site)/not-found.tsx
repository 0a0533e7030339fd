import { NotFoundMessage } from "@/app/not-found-message";

// Inside the group's layout, so the header (with the account links) stays.
export default function NotFound() {
  return <NotFoundMessage />;
}
