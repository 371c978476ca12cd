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
  /** What it needs of a Slurm node beyond the job's slurm-* fields (a cluster training step's GPUs). */
  resources?: { gpusPerNode?: number; nodes?: number; tasksPerNode?: number };
}

export interface JobRecord {
  id: string;
  kind: string;
  state: JobState;
  executor: ExecutorName;
  /** The output workspace's name (a folder of the data directory). */
  out: string;
  created: string;
  started: string | null;
  finished: string | null;
  progress: JobProgress | null;
  tasks: TaskRecord[];
  /** Why it failed or was cancelled. */
  error: string | null;
  /** The process running it (local executor): pid and start time, so a dead one is told apart. */
  supervisor: { pid: number; procStart: string | null; host: string } | null;
  /** Times a job whose supervisor died was taken up again. */
  resumes: number;
  /** The supervisor that died, whose process group (its task) the next one ends first. */
  previousSupervisor?: { pid: number; procStart: string | null; host: string } | null;
  /** When a supervisor was last asked for (it records itself in `supervisor` once started). */
  supervisorRequested: string | null;
}

/** Events appended to events.jsonl. */
export type JobEvent =
  | { time: string; type: "state"; state: JobState; error?: string | null }
  | { time: string; type: "task"; task: string; state: TaskState; attempt: number; exitCode?: number | null; error?: string | null }
  | ({ time: string; type: "progress" } & JobProgress);
