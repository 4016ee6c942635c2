function area(r: number) {
  return Math.PI * r ** 2 * scale;
}
