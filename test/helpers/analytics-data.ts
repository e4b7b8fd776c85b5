// Test helper: loads the real data sets for the analytics tests (domain tests may not import the cli).
import { readLclFile, readTableFile, type WideTable } from '../../src/cli/data-files.ts';

/** The LCL London households 2013 table (../shared/data/lcl). */
export function loadLcl(): WideTable {
  return readLclFile();
}

/** The taylor England & Wales demand 2000 series (../shared/data/taylor). */
export function loadTaylor(): WideTable {
  return readTableFile('../shared/data/taylor/taylor_gb_demand_2000_halfhourly.csv');
}
