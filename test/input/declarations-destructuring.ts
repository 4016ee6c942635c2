const { x, y: [first, , third = fallback], ...others } = source;
let [a = 1, { b, c: renamed }] = pair, plain;
var counter = 0, { deep: { deeper } } = nested;
