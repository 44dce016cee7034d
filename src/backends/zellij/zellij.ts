// TEMPORARY placeholder, replaced by the real backend in this session
import type { Backend } from "../types";
export class ZellijBackend { constructor(_: unknown) { throw new Error("zellij backend not built yet"); } }
export type _B = Backend;
