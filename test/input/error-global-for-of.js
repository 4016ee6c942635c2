for (Number of [1, 2, 3]) {
  console.log(Number);
}
