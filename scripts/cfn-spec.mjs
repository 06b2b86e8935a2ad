// A CloudFormation resource specification in the format npm cfn-lint reads, built from the current AWS
// service spec: @aws-cdk/aws-service-spec, which the AWS CDK compiles from CloudFormation's registry
// schemas and generates its L1 constructs from (published every few days; CloudFormation stopped
// publishing the old-format specification that cfn-lint 1.9.7 bundles).
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { gunzipSync } from "node:zlib";
import { requireFromTool } from "./tool-packages.mjs";

const PRIMITIVES = {
  string: "String",
  integer: "Integer",
  number: "Double",
  boolean: "Boolean",
  json: "Json",
  "date-time": "Timestamp",
};

/** The Tag property type, as the old specification defines it for every resource. */
const TAG = {
  Properties: {
    Key: { PrimitiveType: "String", Required: true, UpdateType: "Mutable" },
    Value: { PrimitiveType: "String", Required: true, UpdateType: "Mutable" },
  },
};

/**
 * The specification, built once per service-spec version and then read from node_modules/.cache
 * (building takes seconds, reading it back well under one).
 * @returns {{ ResourceSpecificationVersion: string, ResourceTypes: object, PropertyTypes: object }}
 */
export function loadResourceSpecification() {
  const require = requireFromTool("deploy");
  const packageDir = dirname(require.resolve("@aws-cdk/aws-service-spec/package.json"));
  const { version } = JSON.parse(readFileSync(join(packageDir, "package.json"), "utf8"));
  const cacheDir = join(packageDir, "..", "..", ".cache", "kong-license-report");
  const cached = join(cacheDir, `cfn-spec-from-aws-service-spec-${version}.json`);
  try {
    return JSON.parse(readFileSync(cached, "utf8"));
  } catch {
    const specification = buildResourceSpecification();
    mkdirSync(cacheDir, { recursive: true });
    // Written aside, then renamed: a parallel reader never sees half a file.
    const partial = `${cached}.${process.pid}`;
    writeFileSync(partial, JSON.stringify(specification));
    renameSync(partial, cached);
    return specification;
  }
}

/**
 * Builds `{ ResourceSpecificationVersion, ResourceTypes, PropertyTypes }` from the service spec.
 * @returns {{ ResourceSpecificationVersion: string, ResourceTypes: object, PropertyTypes: object }}
 */
export function buildResourceSpecification() {
  const require = requireFromTool("deploy");
  const packageDir = dirname(require.resolve("@aws-cdk/aws-service-spec/package.json"));
  const { version } = JSON.parse(readFileSync(join(packageDir, "package.json"), "utf8"));
  const { schema } = JSON.parse(gunzipSync(readFileSync(join(packageDir, "db.json.gz"))).toString("utf8"));
  const typeDefinitions = new Map(schema.typeDefinition.entities.map((entity) => [entity.$id, entity]));

  const ResourceTypes = {};
  const PropertyTypes = { Tag: TAG };
  for (const resource of schema.resource.entities) {
    const cfnType = resource.cloudFormationType;
    // Every type definition a property of this resource reaches, named `<resource type>.<name>`.
    const toSpec = (type) => describeType(type, (id) => includeType(id), cfnType);
    const includeType = (id) => {
      const definition = typeDefinitions.get(id);
      if (definition === undefined) return undefined;
      const key = `${cfnType}.${definition.name}`;
      if (PropertyTypes[key] === undefined) {
        PropertyTypes[key] = { Properties: {} };
        PropertyTypes[key].Properties = describeProperties(definition.properties, toSpec);
      }
      return definition.name;
    };
    ResourceTypes[cfnType] = {
      Attributes: Object.fromEntries(
        Object.entries(resource.attributes ?? {}).map(([name, attribute]) => [name, toSpec(attribute.type)]),
      ),
      Properties: describeProperties(resource.properties ?? {}, toSpec),
    };
  }
  return {
    ResourceSpecificationVersion: `aws-service-spec ${version}`,
    ResourceTypes,
    PropertyTypes,
  };
}

function describeProperties(properties, toSpec) {
  return Object.fromEntries(
    Object.entries(properties).map(([name, property]) => [
      name,
      {
        ...toSpec(property.type),
        Required: property.required === true,
        UpdateType: property.causesReplacement === "yes" ? "Immutable" : "Mutable",
      },
    ]),
  );
}

/** One property type in the old format: a primitive, a named property type, or a List/Map of either. */
function describeType(type, nameOf, cfnType) {
  switch (type.type) {
    case "ref": {
      const name = nameOf(type.reference.$ref);
      // A reference the spec does not define: accept any JSON rather than invent a shape.
      return name === undefined ? { PrimitiveType: "Json" } : { Type: name };
    }
    case "tag":
      return { Type: "Tag" };
    case "array":
    case "map": {
      const item = describeType(type.element, nameOf, cfnType);
      const container = type.type === "array" ? "List" : "Map";
      // Nested containers have no old-format spelling: their items are checked as JSON.
      if (item.Type === "List" || item.Type === "Map") return { Type: container, PrimitiveItemType: "Json" };
      return item.PrimitiveType === undefined
        ? { Type: container, ItemType: item.Type }
        : { Type: container, PrimitiveItemType: item.PrimitiveType };
    }
    case "union": {
      // One of several shapes (e.g. a policy as JSON or as a string): the old format has no union.
      const members = type.types.map((member) => describeType(member, nameOf, cfnType));
      const primitives = new Set(members.map((member) => member.PrimitiveType));
      if (primitives.size === 1 && !primitives.has(undefined))
        return { PrimitiveType: members[0].PrimitiveType };
      // Scalars only (e.g. DefinitionSubstitutions' string | integer | boolean): a scalar, not a JSON object.
      return [...primitives].every((primitive) => primitive !== undefined && primitive !== "Json")
        ? { PrimitiveType: "String" }
        : { PrimitiveType: "Json" };
    }
    default: {
      const primitive = PRIMITIVES[type.type];
      return { PrimitiveType: primitive ?? "Json" };
    }
  }
}
