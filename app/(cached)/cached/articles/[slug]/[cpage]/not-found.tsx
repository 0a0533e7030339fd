import { NotFoundMessage } from "@/app/not-found-message";

// Cached like the page: no session is read here (the layout shows the guest header).
export default function CachedNotFound() {
  return <NotFoundMessage />;
}
