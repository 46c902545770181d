/** How a ticket's department reads for staff and citizens: its name, or 待分派 for none. */
import type { Departments } from '../dispatch/departments.js';

export const UNASSIGNED_NAME = '待分派';

export const departmentName = (departments: Departments, id: string | null): string =>
  id === null ? UNASSIGNED_NAME : (departments.get(id)?.name ?? id);
