/** One line of the workspace list the dashboard shows. */
export interface WorkspaceSummary {
  name: string;
  rowsRead: number;
  rowsMatched: number;
  entries: number;
  totalMatches: number;
  t: number | null;
  seed: number | null;
  rowsKept: number | null;
  metadataHash: string;
}

