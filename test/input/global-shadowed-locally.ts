// A local of the same name is not the global: assigning it is fine.
function rounded(x: number) {
  let Math = { round: (v: number) => v | 0 };
  Math = { round: (v) => Math.round(v) };
  return Math.round(x);
}
