import type { IncomingMessage } from "node:http";

export declare function pageUrlForCache(url: string): string;
export declare function reducePageQuery(req: IncomingMessage): void;
