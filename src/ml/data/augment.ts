/**
 * Light augmentation for pretraining, on the raw 28×28 uint8 images before they are resized:
 * a random shift of up to `shift` pixels each way (the background, black, fills in) and a mirror
 * image half of the time. Both keep a garment what it is: a shirt shifted or mirrored is still a
 * shirt, which is why Keras's own guides use RandomFlip("horizontal") and small translations.
 */
import { IMAGE_SIDE } from './manifest.ts';

export interface AugmentArgs {
  /** Largest shift in pixels, each axis, either way. Default 2. */
  shift?: number;
  /** Mirror left–right with probability ½. Default true. */
  flip?: boolean;
}

/** Augments `count` back-to-back 28×28 images in place, drawing from `random` (uniform [0, 1)). */
export function augmentImages(images: Uint8Array, count: number, random: () => number, { shift = 2, flip = true }: AugmentArgs = {}): void {
  const side = IMAGE_SIDE;
  const source = new Uint8Array(side * side);
  for (let n = 0; n < count; n++) {
    const image = images.subarray(n * side * side, (n + 1) * side * side);
    const dx = shift > 0 ? Math.floor(random() * (2 * shift + 1)) - shift : 0;
    const dy = shift > 0 ? Math.floor(random() * (2 * shift + 1)) - shift : 0;
    const mirror = flip && random() < 0.5;
    if (dx === 0 && dy === 0 && !mirror) continue;
    source.set(image);
    for (let y = 0; y < side; y++) {
      const sy = y - dy;
      for (let x = 0; x < side; x++) {
        const shifted = x - dx;
        const sx = mirror ? side - 1 - shifted : shifted;
        image[y * side + x] = sy >= 0 && sy < side && sx >= 0 && sx < side ? source[sy * side + sx]! : 0;
      }
    }
  }
}
