import { command } from "../cli/command";
export default command({ name: "reconcile", description: "TEMP", args: {}, async run() { return 1; } });
