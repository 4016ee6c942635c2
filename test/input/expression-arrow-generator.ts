(function* () {
  for (let i = 0; i < steps; i++) yield i;
})()
