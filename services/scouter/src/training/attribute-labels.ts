// The labels a head learns for an attribute, from Hawk's label schema (as Hawk's API serves it).
import type { HawkAttributeSpec, HawkLabelSchema } from '@sightline/contracts';

/** The labels an attribute can take, in schema order: select options, or false/true for a checkbox. */
export function attributeLabels(schema: HawkLabelSchema, attribute: string, classes?: readonly string[]): { labels: string[]; classes: string[] } | string {
  const specs: HawkAttributeSpec[] = [];
  const withIt: string[] = [];
  for (const c of schema.classes) {
    if (classes && !classes.includes(c.name)) continue;
    const spec = c.attributes.find((a) => a.name === attribute);
    if (spec) {
      specs.push(spec);
      withIt.push(c.name);
    }
  }
  if (specs.length === 0) {
    const known = [...new Set(schema.classes.flatMap((c) => c.attributes.map((a) => a.name)))];
    return `the label schema has no attribute "${attribute}"${classes ? ` on classes ${classes.join(', ')}` : ''} (it has: ${known.join(', ') || 'none'})`;
  }
  const first = specs[0]!;
  if (first.type === 'checkbox') return { labels: ['false', 'true'], classes: withIt };
  if (first.type !== 'select') return `attribute "${attribute}" is a ${first.type} attribute; heads learn select and checkbox attributes`;
  const labels = [...new Set(specs.flatMap((s) => (s.type === 'select' ? s.options : [])))];
  return { labels, classes: withIt };
}
