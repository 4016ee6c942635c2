const started = performance.now();
console.log(Math.max(...values), JSON.stringify(window.location));
display(Inputs.range([0, 1]));
invalidation.then(() => clearTimeout(timer));
const p = new Promise((resolve) => setTimeout(resolve, 10));
undefined;
