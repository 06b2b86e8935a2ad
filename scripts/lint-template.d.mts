// Types for scripts/lint-template.mjs.
export interface LintFinding {
  variant: string;
  level: "crit" | "warn";
  message: string;
  resource: string;
}
export declare function lintTemplate(
  template: object,
  variants?: Readonly<Record<string, Readonly<Record<string, string>>>>,
): LintFinding[];
