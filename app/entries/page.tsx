import { EntriesView } from "../../components/EntriesView";

export default function EntriesPage() {
  return <EntriesView />;
}
