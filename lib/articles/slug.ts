import slugify from "slugify";

/**
 * The URL slug a title gives: lower case, ASCII, words joined by hyphens, at
 * most 100 characters ("" for a title with no letters or digits). Shared by
 * the server (saving) and the editor's form (the slug shown while typing).
 */
export function slugBase(title: string): string {
  return slugify(title, { lower: true, strict: true, locale: "en", trim: true }).slice(0, 100).replace(/-+$/, "");
}
