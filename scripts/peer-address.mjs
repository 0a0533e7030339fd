// The socket's peer address, recorded in a header the app reads
// (lib/http/client-ip.ts). Whatever a client sent under that name is
// replaced, so only this server can set it. Node lower-cases header names and
// joins repeated ones into one value, and Next builds the request's headers
// from `req.headers`, so replacing the one key covers every spelling.

export const PEER_IP_HEADER = "x-newsroom-peer-ip";

/** @param {import("node:http").IncomingMessage} req */
export function recordPeerAddress(req) {
  req.headers[PEER_IP_HEADER] = req.socket.remoteAddress ?? "";
}
