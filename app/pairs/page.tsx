import { PairsView } from "../../components/PairsView";
import { preloadParquetWasm } from "../preloadParquetWasm";

export default function PairsPage() {
  preloadParquetWasm();
  return <PairsView />;
}
