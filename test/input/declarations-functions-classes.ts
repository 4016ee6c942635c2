function train(model, { epochs = defaultEpochs } = {}) {
  return fit(model, epochs);
}
async function evaluate() {
  return await train(base);
}
function* batches() {
  yield* data;
}
class Trainer extends Base {
  static count = 0;
  #secret = key;
  run() {
    return this.#secret + Trainer.count;
  }
}
