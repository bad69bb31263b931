// Pulumi entry point: the engine calls the exported function and exports what it returns.
import { main } from "./program";

export = main;
