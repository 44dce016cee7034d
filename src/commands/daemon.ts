import { bool, command, str } from "../cli/command";
import { apiToken, isLoopback, makeHandler } from "../api/server";
import { ClauderonError, EXIT } from "../core/errors";
import { reconcilePass } from "../services/reconcile";
import { appFor } from "./_shared";

export default command({
  name: "daemon",
  description:
    "HTTP API on 127.0.0.1:3030 (Bearer token from $CLAUDERON_HOME/api-token). Reconciles at startup if [feature_flags] reconcile_on_startup, every [health] check_interval if background_checks, and soon after a backend error.",
  args: {
    host: { type: "string", default: "127.0.0.1", description: "address to listen on", valueHint: "address" },
    port: { type: "string", default: "3030", description: "port (0: any free port)", valueHint: "port" },
    "allow-remote": { type: "boolean", description: "allow a non-loopback address" },
  },
  async run(ctx) {
    const app = appFor(ctx);
    const host = str(ctx.values.host) ?? "127.0.0.1";
    const port = Number(str(ctx.values.port) ?? "3030");
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ClauderonError("usage", `--port takes a whole number from 0 to 65535, got ${JSON.stringify(str(ctx.values.port))}`);
    if (!isLoopback(host) && !bool(ctx.values["allow-remote"])) {
      throw new ClauderonError("usage", `refusing to listen on ${host}: not a loopback address; add --allow-remote to expose the API beyond this machine`);
    }
    const token = apiToken(app);
    let passRunning = false;
    let soon: ReturnType<typeof setTimeout> | undefined;
    const pass = async (why: string) => {
      if (passRunning) return;
      passRunning = true;
      try {
        const r = await reconcilePass(app, { dryRun: false, skipWait: false });
        ctx.log.info(`reconcile (${why}): exit ${r.exitCode}; ${r.sessions.filter((s) => s.result !== "skipped").length} acted on`);
      } catch (e) {
        ctx.log.error(`reconcile (${why}) failed: ${(e as Error).message}`);
      } finally {
        passRunning = false;
      }
    };
    const server = Bun.serve({
      hostname: host,
      port,
      idleTimeout: 0, // long actions (pull, recreate, verify) must not be cut
      fetch: makeHandler(app, token, {
        onBackendError: () => {
          soon ??= setTimeout(() => {
            soon = undefined;
            void pass("after a backend error");
          }, 5_000);
        },
      }),
    });
    ctx.log.info(`clauderon API listening on http://${host.includes(":") ? `[${host}]` : host}:${server.port} (token in ${app.paths.home}/api-token)`);
    if (app.config.feature_flags.reconcile_on_startup) void pass("startup");
    const timer = app.config.health.background_checks ? setInterval(() => void pass("background check"), app.config.health.check_interval * 1000) : undefined;
    await new Promise<void>((resolve) => {
      const stop = () => resolve();
      process.once("SIGINT", stop);
      process.once("SIGTERM", stop);
    });
    if (timer) clearInterval(timer);
    if (soon) clearTimeout(soon);
    server.stop(true);
    return EXIT.ok;
  },
});
