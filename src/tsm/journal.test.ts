// The in-memory reference journal passes the journal conformance suite.
import { createMemoryJournal } from './journal.ts';
import { describeJournalConformance } from './journal-conformance.ts';

describeJournalConformance('memory', () => Promise.resolve({ journal: createMemoryJournal() }));
