import { DistributionView } from "../../components/DistributionView";

export default function DistributionPage() {
  return <DistributionView />;
}
