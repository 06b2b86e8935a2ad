// Minimal types for asl-validator 4 (it ships none): what the tests use.
declare module "asl-validator" {
  interface ValidationOptions {
    /** Check the JSONPath expressions (default true). */
    checkPaths?: boolean;
    /** Check the Task states' Resource ARNs (default true). */
    checkArn?: boolean;
  }

  interface ValidationResult {
    isValid: boolean;
    errors: Array<{ message?: string; path?: string }>;
    errorsText(separator?: string): string;
  }

  export default function validator(definition: unknown, options?: ValidationOptions): ValidationResult;
}
