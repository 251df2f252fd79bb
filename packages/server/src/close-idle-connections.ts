/**
 * Why: Node's `server.close()` waits for every open connection, including ones that have not
 * sent a request yet (HTTP clients and browsers open spare connections ahead of need), which
 * holds a restart of the server for up to the headers timeout. This closes connections with no
 * request under way as soon as the server starts closing, and the others once their last
 * response is done, so requests in flight still finish.
 */
import type { Socket } from "node:net";
import type { FastifyInstance } from "fastify";

/** Makes `app.close()` end connections as soon as they carry no request. */
export function closeIdleConnectionsOnClose(app: FastifyInstance): void {
  const inFlight = new Map<Socket, number>();
  let closing = false;

  app.server.on("connection", (socket: Socket) => {
    inFlight.set(socket, 0);
    socket.once("close", () => inFlight.delete(socket));
  });
  app.server.on("request", (request, response) => {
    const socket = request.socket;
    inFlight.set(socket, (inFlight.get(socket) ?? 0) + 1);
    response.once("close", () => {
      const left = (inFlight.get(socket) ?? 1) - 1;
      inFlight.set(socket, left);
      if (closing && left === 0) socket.destroy();
    });
  });
  app.addHook("preClose", (done) => {
    closing = true;
    for (const [socket, count] of inFlight) if (count === 0) socket.destroy();
    done();
  });
}
