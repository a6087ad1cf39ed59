import type { FloorAttributesResponse } from '@sightline/contracts';

/**
 * Filter by any attribute the floor's tracks carried in the window (face age and gender, or a
 * trained head such as upper_colour): a track counts under the value most of its samples carry.
 * `value` is the filter as the API takes it, `name=value`, or '' for none.
 */
export function AttributeFilter(props: { attributes: FloorAttributesResponse['attributes']; value: string; onChange: (filter: string) => void }) {
  const [name = '', chosen = ''] = props.value ? [props.value.slice(0, props.value.indexOf('=')), props.value.slice(props.value.indexOf('=') + 1)] : [];
  const values = props.attributes.find((a) => a.name === name)?.values ?? [];
  return (
    <span className="kanohi-attribute-filter">
      <select aria-label="Attribute" value={name} onChange={(e) => props.onChange(e.target.value ? `${e.target.value}=${props.attributes.find((a) => a.name === e.target.value)?.values[0]?.value ?? ''}` : '')}>
        <option value="">any attribute</option>
        {props.attributes.map((a) => (
          <option key={a.name} value={a.name}>
            {a.name}
          </option>
        ))}
      </select>
      {name && (
        <select aria-label="Attribute value" value={chosen} onChange={(e) => props.onChange(`${name}=${e.target.value}`)}>
          {values.map((v) => (
            <option key={v.value} value={v.value}>
              {v.value} ({v.tracks} track{v.tracks === 1 ? '' : 's'})
            </option>
          ))}
        </select>
      )}
    </span>
  );
}
