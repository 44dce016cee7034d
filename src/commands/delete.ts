import { command } from "../cli/command";
import cleanup from "./cleanup";
import { nameArg, yesArg } from "./_shared";

/** Alias of `cleanup <name>`, kept because the product page names both. */
export default command({
  name: "delete",
  description: "Same as 'cleanup <name>': remove the resource, workspace, chat history and record",
  args: { ...nameArg, ...yesArg },
  run: (ctx) => cleanup.run(ctx),
});
