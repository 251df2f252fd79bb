/**
 * Child process of the OTLP benchmark: an HTTP server that reads each request body whole and
 * answers an empty 200, as an OTLP receiver that keeps nothing would. What it takes per second
 * is the ceiling the HTTP layer and the clients put on any receiver on this machine.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

const server = createServer((request, response) => {
  request.on("data", () => {});
  request.on("end", () => {
    response.writeHead(200, { "content-type": "application/x-protobuf", "content-length": 0 });
    response.end();
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, "127.0.0.1", () => {
  process.stdout.write(`http://127.0.0.1:${(server.address() as AddressInfo).port}\n`);
});
process.on("SIGTERM", () => server.close(() => process.exit(0)));
