function (n: number) {
  return n * factor;
}
