import type { Tensor } from "@tensorflow/tfjs";
import { type LayersModel, sequential } from "@tensorflow/tfjs";
interface Options<T> {
  value: T;
  label?: string;
}
type Pair = [number, Shape];
declare const ambient: number;
enum Verdict { Under, Good, Over }
abstract class Head<T extends Tensor> {
  abstract apply(x: T): T;
}
function pick<T, K extends keyof T>(obj: T, key: K): T[K] {
  return obj[key];
}
const model = sequential() as unknown as LayersModel;
const shape = tensor!.shape satisfies number[];
const options: Options<number> = { value: <number>start };
const generic = pick<Options<number>, "value">(options, "value");
