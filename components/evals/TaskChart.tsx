"use client";
import { DATACOMP_TASKS } from "../../lib/evals/tasks";
import { PlotFigure } from "../charts/PlotFigure";

export interface TaskSeries {
  /** Run id or reference name. */
  name: string;
  tasks: { dataset: string; main: number }[];
  chance: Record<string, number>;
}

const DATACOMP_CHANCE = new Map(DATACOMP_TASKS.filter((t) => t.chance !== null).map((t) => [t.dataset, t.chance as number]));

/** Per-task scores of the selected runs side by side, each task's chance level as a red tick. */
export function TaskChart({ series }: { series: TaskSeries[] }) {
  const rows = series.flatMap((s) => s.tasks.map((t) => ({ run: s.name, task: t.dataset, value: t.main })));
  const tasks = [...new Set(rows.map((r) => r.task))];
  const chance = tasks.flatMap((task) => {
    const c = DATACOMP_CHANCE.get(task) ?? series.find((s) => s.chance[task] !== undefined)?.chance[task];
    return c === undefined ? [] : [{ task, chance: c }];
  });
  const key = `${series.map((s) => s.name).join(",")}|${rows.length}`;
  return (
    <section aria-labelledby="h-tasks" className="space-y-1">
      <h3 id="h-tasks" className="text-sm font-semibold">Per task: {series.length} selected</h3>
      <p className="text-xs text-zinc-500">Main metric of each task; red ticks mark chance (DataComp&rsquo;s random_score; for the embedded trainer&rsquo;s task, 1 / classes). The papers&rsquo; MetaCLIP rows use MetaCLIP&rsquo;s own protocol.</p>
      <PlotFigure id="tasks" drawKey={key} label="Main metric per task for the selected runs, with chance levels" build={(Plot) => Plot.plot({
        width: 620, height: Math.max(140, 28 + tasks.length * Math.max(14, 7 * series.length)), marginLeft: 150, grid: true,
        x: { domain: [0, 1], label: "main metric" }, y: { domain: tasks, label: null },
        color: { legend: true, domain: series.map((s) => s.name) },
        marks: [
          Plot.tickX(chance, { x: "chance", y: "task", stroke: "#dc2626", strokeWidth: 2 }),
          Plot.dot(rows, { x: "value", y: "task", fill: "run", r: 4, title: (d: { run: string; task: string; value: number }) => `${d.run}\n${d.task}: ${d.value.toFixed(4)}` }),
        ],
      })} />
    </section>
  );
}
