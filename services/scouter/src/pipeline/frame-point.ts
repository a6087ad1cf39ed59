/**
 * A point moved half a pixel inside a `width` x `height` frame: feet on the bottom row (boxes are
 * clamped to the frame) then fall inside a mask or zone drawn to the frame's edge, where a point
 * exactly on a polygon's edge may count as outside.
 * @example insideFrame(320, 240, 320, 240) // [319.5, 239.5]
 */
export function insideFrame(x: number, y: number, width: number, height: number): [number, number] {
  return [Math.min(width - 0.5, Math.max(0.5, x)), Math.min(height - 0.5, Math.max(0.5, y))];
}
