import type { createRequire } from "node:module";

export declare const TOOL_PACKAGES: Record<string, { readonly usedBy: string; readonly npmArgs: string[] }>;
export declare function toolDir(name: string): string;
export declare function ensureToolPackage(name: string): string;
export declare function requireFromTool(name: string): ReturnType<typeof createRequire>;
