// Starts a TypeScript worker module (workerData.module) under tsx, whatever started the parent.
import { workerData } from "node:worker_threads";
import { register } from "tsx/esm/api";

register();
await import(workerData.module);
