/** The conversation transcripts (test/conversations/*.yaml) on SQLite; see helpers/transcripts.ts. */
import { transcriptSuites } from './helpers/transcripts.js';

transcriptSuites('sqlite');
