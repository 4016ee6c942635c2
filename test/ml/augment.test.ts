import { describe, expect, it } from 'vitest';
import { augmentImages } from '../../src/ml/data/augment.ts';
import { IMAGE_BYTES, IMAGE_SIDE } from '../../src/ml/data/manifest.ts';

/** An image with one bright pixel at (x, y). */
function dot(x: number, y: number): Uint8Array {
  const image = new Uint8Array(IMAGE_BYTES);
  image[y * IMAGE_SIDE + x] = 255;
  return image;
}
const where = (image: Uint8Array) => {
  const i = image.indexOf(255);
  return i < 0 ? null : { x: i % IMAGE_SIDE, y: Math.floor(i / IMAGE_SIDE) };
};
/** A random source that returns the given values in turn. */
const sequence = (...values: number[]) => () => values.shift()!;

describe('augmentImages(images, count, random, {shift, flip})', () => {
  it('shifts by the drawn offsets: random 0 → −shift, 0.99 → +shift', () => {
    const image = dot(10, 12);
    augmentImages(image, 1, sequence(0, 0.99, 0.9), { shift: 2, flip: true }); // dx −2, dy +2, no mirror (0.9 ≥ ½)
    expect(where(image)).toEqual({ x: 8, y: 14 });
  });

  it('mirrors left–right when the third draw is below ½', () => {
    const image = dot(3, 5);
    augmentImages(image, 1, sequence(0.5, 0.5, 0.1), { shift: 2 }); // no shift, mirror
    expect(where(image)).toEqual({ x: IMAGE_SIDE - 1 - 3, y: 5 });
  });

  it('fills what comes in from outside with background (0) and drops what leaves', () => {
    const image = dot(0, 0);
    augmentImages(image, 1, sequence(0, 0.5, 0.9), { shift: 2, flip: false });
    expect(where(image)).toBeNull();
    expect(image.every((p) => p === 0)).toBe(true);
  });

  it('changes nothing with shift 0 and no flip, and augments each image of a batch on its own', () => {
    const one = dot(4, 4);
    augmentImages(one, 1, Math.random, { shift: 0, flip: false });
    expect(where(one)).toEqual({ x: 4, y: 4 });
    const batch = new Uint8Array(2 * IMAGE_BYTES);
    batch.set(dot(10, 10), 0);
    batch.set(dot(10, 10), IMAGE_BYTES);
    augmentImages(batch, 2, sequence(0, 0.5, 0.9, 0.99, 0.5, 0.9), { shift: 1 });
    expect(where(batch.subarray(0, IMAGE_BYTES))).toEqual({ x: 9, y: 10 });
    expect(where(batch.subarray(IMAGE_BYTES))).toEqual({ x: 11, y: 10 });
  });
});
