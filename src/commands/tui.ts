import { command } from "../cli/command";
import { ClauderonError } from "../core/errors";
import { appFor } from "./_shared";

export default command({
  name: "tui",
  description: "Interactive session list: j/k to move, h for the health modal with the available actions (s start, t stop, r recreate, f recreate fresh, c cleanup), R refresh, q quit",
  args: {},
  async run(ctx) {
    if (!process.stdin.isTTY || !process.stdout.isTTY) throw new ClauderonError("failure", "tui needs a terminal (stdin and stdout must be a TTY)");
    const app = appFor(ctx);
    const { runTui } = await import("../tui/terminal");
    return runTui(app);
  },
});
