import { command, list, str } from "../cli/command";
import { printJson, writeOut } from "../cli/output";
import type { BackendKind } from "../core/actions";
import { createSession } from "../services/lifecycle";
import { viewOf } from "../services/observe";
import { viewJson } from "../services/present";
import { appFor, nameArg } from "./_shared";

export default command({
  name: "create",
  description: "Clone a repository into a new workspace and start an agent on it (Docker or zellij)",
  args: {
    ...nameArg,
    repo: { type: "string", description: "repository to clone: a local path or a URL", required: true, valueHint: "path-or-url" },
    backend: { type: "enum", options: ["docker", "zellij"], default: "docker", description: "where the agent runs" },
    image: { type: "string", description: "Docker image (default: [agent] image)", valueHint: "image" },
    branch: { type: "string", description: "branch to clone (default: the repository's default)", valueHint: "branch" },
    env: { type: "string", description: "KEY=VALUE for the agent (repeatable; shown redacted)", valueHint: "KEY=VALUE" },
  },
  multiple: ["env"],
  passthrough: true,
  async run(ctx) {
    const app = appFor(ctx);
    const s = await createSession(app, {
      name: str(ctx.values.name) ?? "",
      repo: str(ctx.values.repo) ?? "",
      backend: (str(ctx.values.backend) ?? "docker") as BackendKind,
      image: str(ctx.values.image),
      branch: str(ctx.values.branch),
      env: list(ctx.values.env),
      argv: ctx.rest,
    });
    const view = await viewOf(app, s.name);
    if (ctx.json) return void printJson(viewJson(app, view));
    writeOut(`created session ${s.name} (${s.backend}, ${s.resource.name})\n`);
    writeOut(`  ${view.health.state}: ${view.health.description}\n  workspace: ${viewJson(app, view).workspace}\n`);
  },
});
