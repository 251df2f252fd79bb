/**
 * `/api/auth/…`: the first start's setup, password sign-in and sign-out, who the caller is, the
 * CLI's device flow and accepting an invite. A web sign-in answers a session cookie (HttpOnly,
 * SameSite=Lax, Secure behind https); the CLI (`?cli=1`) gets its token in the body instead.
 */
import { KeystrokeError } from "@keystroke/core";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { AuthService } from "./auth-service.js";
import { CLI_SESSION_MS, WEB_SESSION_MS } from "./auth-service.js";
import { type Caller, SESSION_COOKIE } from "./caller.js";
import { bodyOf } from "./request-body.js";

function isHttps(request: FastifyRequest): boolean {
  return request.protocol === "https" || request.headers["x-forwarded-proto"] === "https";
}

function setSessionCookie(request: FastifyRequest, reply: FastifyReply, token: string): void {
  const secure = isHttps(request) ? "; Secure" : "";
  void reply.header(
    "set-cookie",
    `${SESSION_COOKIE}=${token}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${WEB_SESSION_MS / 1000}${secure}`,
  );
}

export function describeCaller(caller: Caller) {
  return {
    user: caller.user,
    via: caller.via,
    organizations: caller.organizations.map((m) => ({
      slug: m.organization.slug,
      name: m.organization.name,
      role: m.role,
    })),
    activeOrganization: caller.active
      ? { slug: caller.active.organization.slug, name: caller.active.organization.name, role: caller.active.role }
      : null,
  };
}

function requireCaller(request: FastifyRequest): Caller {
  if (!request.caller)
    throw new KeystrokeError("unauthorized", "Sign in first", { hint: "Run `keystroke auth login`" });
  return request.caller;
}

export function authRoutes(app: FastifyInstance, auth: AuthService, publicUrl: () => string): void {
  app.post("/api/auth/setup", async (request, reply) => {
    const { token, user } = await auth.setup(bodyOf(request));
    setSessionCookie(request, reply, token);
    return { user };
  });

  app.post<{ Querystring: { cli?: string } }>("/api/auth/login", async (request, reply) => {
    const body = bodyOf(request);
    const cli = request.query.cli === "1";
    try {
      const { token, user } = await auth.login(body.email, body.password, request.ip, cli ? "cli" : "web");
      if (cli) return { user, token, expiresIn: CLI_SESSION_MS / 1000 };
      setSessionCookie(request, reply, token);
      return { user };
    } catch (error) {
      const wait = ((error as KeystrokeError).details as { retryAfterSeconds?: unknown } | undefined)
        ?.retryAfterSeconds;
      if (typeof wait === "number") void reply.header("retry-after", String(wait));
      throw error;
    }
  });

  app.post("/api/auth/logout", async (request, reply) => {
    await auth.logout(request.caller?.sessionHash);
    void reply.header("set-cookie", `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0`);
    return { signedOut: true };
  });

  app.get("/api/auth/me", async (request) => describeCaller(requireCaller(request)));

  app.post("/api/auth/device", async () => {
    const started = await auth.startDevice();
    return {
      ...started,
      verificationUrl: `${publicUrl().replace(/\/$/, "")}/device?code=${encodeURIComponent(started.userCode)}`,
    };
  });

  app.post("/api/auth/device/token", async (request, reply) => {
    const polled = await auth.pollDevice(bodyOf(request).deviceCode);
    if ("pending" in polled) {
      return reply.code(428).send({
        error: { code: "authorization_pending", message: "Waiting for the code to be approved in the browser" },
      });
    }
    return { token: polled.token, expiresIn: CLI_SESSION_MS / 1000 };
  });

  app.post("/api/auth/device/approve", async (request) => {
    const caller = requireCaller(request);
    if (caller.via !== "session")
      throw new KeystrokeError("forbidden", "Approve a CLI sign-in while signed in, not with an API key");
    await auth.approveDevice(bodyOf(request).userCode, caller.user.userId);
    return { approved: true };
  });

  app.post("/api/auth/invites/accept", async (request, reply) => {
    const { token, user } = await auth.acceptInvite(bodyOf(request), request.ip);
    setSessionCookie(request, reply, token);
    return { user };
  });
}
