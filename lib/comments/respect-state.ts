/** What the Respect action answers a page with JavaScript (app/_article/actions.ts). */
export type RespectState =
  | { commentId: number; respected: boolean; count: number; message?: undefined }
  | { commentId: number | null; message: string }
  | null;
