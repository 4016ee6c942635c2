outer: for (const row of grid) {
  inner: for (const cell of row) {
    if (cell.done) continue outer;
    if (cell.skip) break inner;
  }
}
const view2 = {
  width: this,
  [computedKey]: 1,
  method() {
    return this.width + arguments.length;
  },
  get size() {
    return obj.property.nested;
  },
};
const named = function recurse(n) { return n ? recurse(n - 1) : base; };
const Klass = class Self { clone() { return new Self(); } };
