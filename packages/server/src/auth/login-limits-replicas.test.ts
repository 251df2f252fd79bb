/**
 * Two replicas on one PostgreSQL database limit sign-in together: failures made through either
 * count on both, so a load balancer spreading guesses over replicas does not multiply them.
 */
import { dropTestSchema, requireTestDatabase, testDatabaseUrl, testSchemaName } from "@keystroke/store/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningServer, startServer } from "../start-server.js";

const PASSWORD = "correct horse battery staple";

describe("sign-in limits across replicas", () => {
  let schema: string;
  const replicas: RunningServer[] = [];

  beforeAll(async () => {
    await requireTestDatabase();
    schema = testSchemaName();
    for (let i = 0; i < 2; i++) {
      replicas.push(
        await startServer({
          port: 0,
          databaseUrl: `${testDatabaseUrl}?schema=${schema}`,
          auth: { init: { organization: "acme", email: "owner@acme.test", password: PASSWORD } },
        }),
      );
    }
  }, 30_000);

  afterAll(async () => {
    for (const replica of replicas) await replica.close();
    if (schema) await dropTestSchema(schema);
  });

  const login = (replica: RunningServer, password: string) =>
    fetch(`${replica.url}/api/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: "owner@acme.test", password }),
    });

  it("counts failures made through either replica, and locks the email on both", async () => {
    const [a, b] = replicas as [RunningServer, RunningServer];
    expect((await login(a, PASSWORD)).status).toBe(200);
    for (const replica of [a, b, a, b, a]) expect((await login(replica, "wrong password!")).status).toBe(401);
    // Five failures in all, never more than three on one replica: both are locked now.
    for (const replica of [a, b]) {
      const locked = await login(replica, PASSWORD);
      expect(locked.status).toBe(429);
      expect(Number(locked.headers.get("retry-after"))).toBeGreaterThan(800);
    }
  });
});
