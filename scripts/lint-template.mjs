// Offline CloudFormation linter: npm cfn-lint 1.9.7 with a current resource specification.
//
// AWS's own cfn-lint (Python) cannot be installed here: PyPI is not reachable and Debian (bookworm and
// trixie) has no cfn-lint package. npm cfn-lint's bundled spec predates HTTP APIs, arm64 and Lambda's
// LoggingConfig, so a specification built from the current AWS service spec (scripts/cfn-spec.mjs,
// @aws-cdk/aws-service-spec) is swapped in at run time through the module cache; nothing under
// node_modules is edited. Its intrinsic-function table
// also misses Fn::Sub, Fn::ImportValue and Fn::Split inside Fn::If (CloudFormation resolves them there; the
// VPC settings choose a split list or an empty one); without them the linter loses its place in the
// template and reports every later intrinsic as "not supported here".
import { Module } from "node:module";
import { loadResourceSpecification } from "./cfn-spec.mjs";
import { requireFromTool } from "./tool-packages.mjs";

let validator;

function loadValidator() {
  if (validator !== undefined) return validator;
  // cfn-lint lives in the tool package tools/deploy/, installed on first use (not by the root npm ci).
  const require = requireFromTool("deploy");
  preload(
    require,
    require.resolve("cfn-lint/data/aws_resources_specification.json"),
    loadResourceSpecification(),
  );
  const functionsPath = require.resolve("cfn-lint/data/aws_intrinsic_functions.json");
  const functions = structuredClone(require(functionsPath));
  const inIf = functions["Fn::If"].supportedFunctions;
  for (const name of ["Fn::Sub", "Fn::ImportValue", "Fn::Split"]) if (!inIf.includes(name)) inIf.push(name);
  preload(require, functionsPath, functions);
  validator = require("cfn-lint");
  return validator;
}

function preload(require, path, exports) {
  const module = new Module(path);
  module.filename = path;
  module.loaded = true;
  module.exports = exports;
  require.cache[path] = module;
}

/**
 * Lints a CloudFormation template object once per parameter variant (values override the parameters'
 * defaults, so both sides of every condition get checked).
 * @param {object} template
 * @param {Record<string, Record<string, string>>} [variants] name → parameter values
 * @returns {{ variant: string, level: "crit" | "warn", message: string, resource: string }[]}
 */
export function lintTemplate(template, variants = { defaults: {} }) {
  const { validateJsonObject } = loadValidator();
  const findings = [];
  for (const [variant, values] of Object.entries(variants)) {
    for (const name of Object.keys(values)) {
      if (template.Parameters?.[name] === undefined)
        throw new Error(`lint variant ${variant}: no parameter ${name}`);
    }
    // The validator resolves intrinsics in place: give it a copy.
    const result = validateJsonObject(structuredClone(template), { parameters: values });
    for (const level of /** @type {const} */ (["crit", "warn"])) {
      for (const error of result.errors[level]) {
        findings.push({ variant, level, message: error.message, resource: error.resource });
      }
    }
  }
  return findings;
}
