import type { IncomingMessage, ServerResponse } from "node:http";

export declare const MAX_STREAMING_COMPRESSORS: number;
export declare const ONE_SHOT_LIMIT_BYTES: number;
export declare const THRESHOLD_BYTES: number;

export declare function bodyHeld(res: ServerResponse): boolean;

export type CompressionStats = {
  /** Streaming compressors alive now. */
  streaming: number;
  /** The most alive at once. */
  peakStreaming: number;
  /** Responses compressed as streams. */
  streamed: number;
  /** Responses sent uncompressed because every streaming slot was taken. */
  uncompressedWhenBusy: number;
  /** Responses compressed in one call. */
  oneShot: number;
};

export declare function boundedCompression(options?: {
  maxStreaming?: number;
  oneShotLimit?: number;
  skip?: (res: ServerResponse) => boolean;
}): {
  streaming: (req: IncomingMessage, res: ServerResponse, next: () => void) => void;
  wholeBodies: (req: IncomingMessage, res: ServerResponse) => void;
  stats: CompressionStats;
};
