function reset() {
  document = null;
}
