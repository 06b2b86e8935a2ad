// Types for scripts/database-access-params.mjs.
import type { CloudFormationTemplate } from "./package.mjs";

export declare function checkDatabaseAccess(template: Pick<CloudFormationTemplate, "Parameters">): {
  problems: string[];
  notes: string[];
};
