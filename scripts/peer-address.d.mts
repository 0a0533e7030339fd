import type { IncomingMessage } from "node:http";

export declare const PEER_IP_HEADER: "x-newsroom-peer-ip";
export declare function recordPeerAddress(req: IncomingMessage): void;
