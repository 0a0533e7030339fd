/** The review criteria, for the client form (same list as lib/articles/reviews.ts). */
export const REVIEW_CRITERIA_LIST = ["Sourcing", "Balance", "Clarity"] as const;
