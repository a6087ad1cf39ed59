import { labelSchemaProblems, type HawkAttributeValues, type HawkLabelSchema, type HawkProject, type HawkProjectBody, type HawkSchemaUpdateBody } from '@sightline/contracts';
import { badRequest, conflict, notFound } from '@sightline/server-kit';
import type { ProjectRepository } from '../repositories/project.repository.ts';

/** Checks one box's label and attribute values against the schema; returns what is wrong or null. */
export function labelProblem(schema: HawkLabelSchema, label: string, attributes: HawkAttributeValues): string | null {
  const cls = schema.classes.find((c) => c.name === label);
  if (!cls) return `label "${label}" is not a class of the project (classes: ${schema.classes.map((c) => c.name).join(', ')})`;
  for (const [key, value] of Object.entries(attributes)) {
    const spec = cls.attributes.find((a) => a.name === key);
    if (!spec) return `class "${label}" has no attribute "${key}"`;
    const ok =
      (spec.type === 'select' && typeof value === 'string' && spec.options.includes(value)) ||
      (spec.type === 'checkbox' && typeof value === 'boolean') ||
      (spec.type === 'number' && typeof value === 'number' && (spec.min === undefined || value >= spec.min) && (spec.max === undefined || value <= spec.max)) ||
      (spec.type === 'text' && typeof value === 'string');
    if (!ok) return `attribute "${key}" of "${label}" cannot be ${JSON.stringify(value)} (${spec.type}${spec.type === 'select' ? `: ${spec.options.join(', ')}` : ''})`;
  }
  return null;
}

/** Projects and their label schemas. */
export class ProjectService {
  constructor(private readonly projects: ProjectRepository) {}

  async create(body: HawkProjectBody, userId: number): Promise<HawkProject> {
    const problems = labelSchemaProblems(body.labelSchema);
    if (problems.length) throw badRequest(`Invalid label schema: ${problems.join('; ')}`);
    const id = await this.projects.create(body.name, body.labelSchema, userId);
    if (id === null) throw conflict(`A project named "${body.name}" exists already; choose another name.`);
    return (await this.projects.get(id))!;
  }

  list(): Promise<HawkProject[]> {
    return this.projects.list();
  }

  async get(id: number): Promise<HawkProject> {
    const project = await this.projects.get(id);
    if (!project) throw notFound(`Project ${id} does not exist.`);
    return project;
  }

  /**
   * Replaces the label schema. A class still used by boxes or tracks may only disappear through
   * `renames` (old -> new class), so no annotation is ever left with an unknown label.
   */
  async updateSchema(id: number, body: HawkSchemaUpdateBody): Promise<HawkProject> {
    const project = await this.get(id);
    const problems = labelSchemaProblems(body.labelSchema);
    const renames = body.renames ?? {};
    const newNames = new Set(body.labelSchema.classes.map((c) => c.name));
    for (const [from, to] of Object.entries(renames)) {
      if (!newNames.has(to)) problems.push(`rename "${from}" -> "${to}": "${to}" is not a class of the new schema`);
    }
    if (problems.length) throw badRequest(`Invalid label schema: ${problems.join('; ')}`);
    const usage = await this.projects.labelUsage(id);
    const orphaned = [...usage].filter(([label]) => !newNames.has(label) && !(label in renames));
    if (orphaned.length) {
      throw conflict(
        `The new schema drops classes still in use: ${orphaned.map(([l, n]) => `"${l}" (${n} boxes/tracks)`).join(', ')}. Keep them, or map them to another class with "renames".`,
      );
    }
    if (!(await this.projects.updateSchema(id, body.labelSchema, body.schemaVersion, renames))) {
      throw conflict(`The schema changed since version ${body.schemaVersion} (now ${project.schemaVersion}); reload and apply your change again.`);
    }
    return this.get(id);
  }
}
