// Used above their declarations: still the cell's own, never inputs.
const doubled = twice(seed);
function twice(v) {
  return helper(v) * 2;
}
var helper = (v) => v + offset;
