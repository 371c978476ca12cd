import { Suspense } from "react";
import { EvalsView } from "../../components/evals/EvalsView";

export default function EvalsPage() {
  return <Suspense><EvalsView /></Suspense>;
}
