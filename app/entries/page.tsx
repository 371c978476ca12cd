import { EntriesView } from "../../components/EntriesView";
import { preloadParquetWasm } from "../preloadParquetWasm";

export default function EntriesPage() {
  preloadParquetWasm();
  return <EntriesView />;
}
