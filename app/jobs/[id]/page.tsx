import { JobDetail } from "../../../components/jobs/JobDetail";

export default async function JobPage({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Promise<{ open?: string }> }) {
  const { id } = await params;
  const { open } = await searchParams;
  return <JobDetail id={id} openWhenDone={open === "1"} />;
}
