import { WorkspacePicker } from "../components/workspace/WorkspacePicker";

export default function HomePage() {
  return <WorkspacePicker />;
}
