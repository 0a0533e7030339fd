/** Where a comment's Report control leads: its report form (a guest is sent to sign in first). */
export const reportPath = (commentId: number) => `/comments/${commentId}/report`;
