// A camera panning jerkily over a real photo (assets/samples.jpg of @vladmandic/human): 26 frames
// of 320x240, still, 30 px a frame right, still, back left, still; and three people standing still
// in the scene, whose boxes in the frame jump with the camera. Camera-motion tests feed these
// boxes as a stand-in detector's, so only the compensation decides whether identities survive.
import { fileURLToPath } from 'node:url';
import { decodeImageRgb } from '@sightline/media';
import { Detections, type Frame, type VideoFrame } from '@sightline/vision';

const samples = fileURLToPath(new URL('../../../node_modules/@vladmandic/human/assets/samples.jpg', import.meta.url));
export const [PAN_WIDTH, PAN_HEIGHT] = [320, 240];
/** The camera's left edge in the photo per frame. */
export const cameraX: number[] = [];
for (let t = 0, x = 400; t < 26; t++) cameraX.push((x += t < 4 ? 0 : t < 10 ? 30 : t < 15 ? 0 : t < 21 ? -30 : 0));
// Inside the view all along: the camera's left edge runs from 400 to 580, so x 580-720 is always seen.
const PEOPLE = [590, 640, 690];

/** The photo, decoded once per test file. */
export function panPhoto(): Promise<Frame<'rgb24'>> {
  return decodeImageRgb(samples);
}

/** Frame `index` of the pan: the 320x240 window of the photo at the camera's place. */
export function panFrame(photo: Frame<'rgb24'>, index: number): VideoFrame {
  const data = new Uint8Array(PAN_WIDTH * PAN_HEIGHT * 3);
  for (let y = 0; y < PAN_HEIGHT; y++) data.set(photo.data.subarray(((400 + y) * photo.width + cameraX[index]!) * 3, ((400 + y) * photo.width + cameraX[index]! + PAN_WIDTH) * 3), y * PAN_WIDTH * 3);
  return { data, width: PAN_WIDTH, height: PAN_HEIGHT, format: 'rgb24', index };
}

/** The three still people as frame `index` sees them. */
export function panPeople(index: number): Detections {
  const x = cameraX[index]!;
  return Detections.fromRows(PEOPLE.map((p) => ({ xyxy: [p - x, 60, p - x + 24, 150] as const, confidence: 0.9, classId: 0 })));
}
