import { JobList } from "../../components/jobs/JobList";

export default function JobsPage() {
  return <JobList />;
}
