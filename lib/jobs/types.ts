/** A job as the store records it (isomorphic: the CLI, the server and the dashboard read these). */
export const JOB_STATES = ["queued", "running", "succeeded", "failed", "cancelled"] as const;
export type JobState = (typeof JOB_STATES)[number];
export type TaskState = "pending" | "running" | "succeeded" | "failed" | "cancelled";
export type ExecutorName = "local" | "slurm";

/** One line of `--progress json`, as the job saw it last. */
export interface JobProgress {
  task: string;
  step: string;
  done: number;
  total: number | null;
  rate: number;
  /** Training tasks: the recent loss and the seconds left. */
  loss?: number | null;
  eta?: number | null;
}

export interface TaskRecord {
  name: string;
  /** The metacurate command line it runs (without the launcher). */
  argv: string[];
  /** Tasks that must have succeeded first. */
  after: string[];
  state: TaskState;
  attempts: number;
  exitCode: number | null;
  started: string | null;
  finished: string | null;
  error: string | null;
  /** The task's last progress line. */
  progress?: JobProgress | null;
  /** Its Slurm job id ("A_i" for an array task) while submitted (slurm executor). */
  slurmId?: string | null;
  /** Tasks run as one Slurm array share a group name (the task's index in it is its place among them). */
  array?: string;
  /** The local process running it (its own process group), while it runs: pid and start time. */
  pid?: number | null;
  procStart?: string | null;
  /** What it needs of a Slurm node beyond the job's slurm-* fields (a cluster training step's GPUs). */
  resources?: { gpusPerNode?: number; nodes?: number; tasksPerNode?: number };
}

export interface ProcessId {
  pid: number;
  procStart: string | null;
  host: string;
}

export const isTerminalState = (s: JobState) => s === "succeeded" || s === "failed" || s === "cancelled";

export interface JobRecord {
  id: string;
  kind: string;
  state: JobState;
  executor: ExecutorName;
  /** The output workspace's name (a folder of the data directory). */
  out: string;
  /** Its spec said "replace": true (it may replace a workspace or run there). */
  replace?: boolean;
  created: string;
  started: string | null;
  finished: string | null;
  progress: JobProgress | null;
  tasks: TaskRecord[];
  /** Why it failed or was cancelled. */
  error: string | null;
  /** The queue runner that took it up (pid, start time, host), so a dead one is told apart. */
  supervisor: ProcessId | null;
  /** Times a job was taken up again after the runner running it died. */
  resumes: number;
  /** The runner that died while running it. */
  previousSupervisor?: ProcessId | null;
  /** Unused since the queue runner; kept so older records read the same. */
  supervisorRequested: string | null;
  /** When a cancel was asked for a running job (its runner ends its tasks, then marks it cancelled). */
  cancelRequested?: string | null;
}

/** Events appended to events.jsonl. */
export type JobEvent =
  | { time: string; type: "state"; state: JobState; error?: string | null; resumed?: number }
  | { time: string; type: "task"; task: string; state: TaskState; attempt: number; exitCode?: number | null; error?: string | null }
  | ({ time: string; type: "progress" } & JobProgress);
