import type { FilterChoice } from "../../lib/filters/params";
import { choiceFlags, choiceOf, type PanelForm } from "../../lib/filters/panelChoice";
import { filterChoiceOptions } from "../../lib/options/commands";
import { parseOptions } from "../../lib/options/validate";

/** The filter panel's form checked with the CLI's own schema (a filter job's, a curate job's `filter`), or the problem. */
export function checkedChoice(form: PanelForm): { choice: FilterChoice } | { problem: string } {
  try {
    const choice = choiceOf(form);
    parseOptions(filterChoiceOptions, choiceFlags(choice), "field");
    return { choice };
  } catch (e) {
    return { problem: (e as Error).message.replace(/^UsageError: /, "") };
  }
}
