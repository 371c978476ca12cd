import { PairsView } from "../../components/PairsView";

export default function PairsPage() {
  return <PairsView />;
}
