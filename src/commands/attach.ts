import { command, str } from "../cli/command";
import { ClauderonError } from "../core/errors";
import { validateName } from "../core/names";
import { appFor, nameArg } from "./_shared";

export default command({
  name: "attach",
  description: "Open the session's terminal (zellij attach, or docker attach: detach with Ctrl-P Ctrl-Q)",
  args: { ...nameArg },
  async run(ctx) {
    const app = appFor(ctx);
    const name = validateName(str(ctx.values.name));
    const s = app.store.get(name);
    const { argv, env } = (await app.backend(s.backend)).attachCommand(s);
    if (!Bun.which(argv[0]!)) throw new ClauderonError("failure", `cannot attach: ${argv[0]} is not on PATH (wanted: ${argv.join(" ")})`);
    if (!process.stdin.isTTY) throw new ClauderonError("failure", "attach needs a terminal (stdin is not a TTY)");
    const p = Bun.spawn(argv, { stdin: "inherit", stdout: "inherit", stderr: "inherit", env: { ...app.env, ...(env ?? {}) } });
    return p.exited;
  },
});
