const result = items.map((item) => {
  const items = item.children; // shadows the outer input inside this arrow only
  {
    let scale = 2;
    scale += items.length;
  }
  return items.length * scale; // this `scale` is not the block's: an input
});
function inner() {
  var local = 1;
  if (local) {
    var hoisted = outer;
  }
  return hoisted + local;
}
for (let i = 0; i < 2; i++) {
  const i2 = i;
}
const after = i; // the loop's `i` is gone here: an input
