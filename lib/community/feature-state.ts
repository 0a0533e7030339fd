/** What Feature / Unfeature on the article answered (app/_article/community.tsx). */
export type FeatureState = { commentId: number | null; featured?: boolean; message?: string } | null;
