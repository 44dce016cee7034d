import { bool, command, str } from "../cli/command";
import { confirm, isInteractive, printJson, writeOut } from "../cli/output";
import type { BackendKind } from "../core/actions";
import { CONTAINER_LOCAL_NOTE } from "../core/preservation";
import { ClauderonError } from "../core/errors";
import { validateName } from "../core/names";
import { recreateSession } from "../services/lifecycle";
import { viewOf } from "../services/observe";
import { viewJson } from "../services/present";
import { appFor, nameArg, yesArg } from "./_shared";

export default command({
  name: "recreate",
  description: `Rebuild the session's container or zellij session. Keeps the workspace (committed and uncommitted) and chat history and resumes the conversation; ${CONTAINER_LOCAL_NOTE}. --fresh backs up uncommitted work, then resets to the committed state and starts a new conversation.`,
  args: {
    ...nameArg,
    fresh: { type: "boolean", description: "back up uncommitted/untracked/ignored files, reset to the committed state, new conversation" },
    image: { type: "string", description: "change the session's Docker image", valueHint: "image" },
    backend: { type: "enum", options: ["docker", "zellij"], description: "move the session to another backend" },
    ...yesArg,
  },
  async run(ctx) {
    const app = appFor(ctx);
    const name = validateName(str(ctx.values.name));
    const fresh = bool(ctx.values.fresh);
    app.store.get(name);
    if (fresh && !bool(ctx.values.yes) && isInteractive()) {
      const ok = await confirm(`recreate ${name} fresh: uncommitted work is saved to a backup, then removed from the workspace. Go on?`);
      if (!ok) throw new ClauderonError("unsaved-work", "cancelled; nothing was changed");
    }
    const r = await recreateSession(app, name, {
      fresh,
      image: str(ctx.values.image),
      backend: str(ctx.values.backend) as BackendKind | undefined,
    });
    const v = await viewOf(app, name);
    if (ctx.json) return void printJson({ ...viewJson(app, v), backup: r.backup ?? null });
    if (r.backup) writeOut(`backup of uncommitted work: ${r.backup}\n`);
    writeOut(`recreated ${name}: ${v.health.state} (${v.health.description})\n`);
  },
});
