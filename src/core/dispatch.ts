/**
 * Dispatch (派单) ports: which department must handle a ticket. The core
 * asks a classifier and records what it said; the department list is
 * configuration (intents/data/departments.yaml).
 */

export interface Department {
  id: string;
  name: string;
  /** What it handles, in the words staff use. */
  handles: string;
  /** The staff group whose agents work its tickets. */
  group: string;
}

export interface DepartmentScore {
  department: string;
  score: number;
}

export interface DepartmentPrediction {
  /** The predicted department, or null when below the confidence threshold (待分派). */
  department: string | null;
  /** The top score, whether or not it passed the threshold. */
  score: number;
  /** The best departments, highest first (the top one included). */
  alternatives: DepartmentScore[];
  /** The dispatch model that predicted, for the trace and the review. */
  modelVersion: string | null;
}

export interface DepartmentClassifier {
  classify(text: string): Promise<DepartmentPrediction>;
}

/** A staff correction of a ticket's department: training data for the next dispatch model. */
export interface DepartmentCorrection {
  text: string;
  department: string;
  by: string;
  at: number;
}

export interface DepartmentCorrections {
  record(correction: DepartmentCorrection): Promise<void>;
}
