async function* () {
  yield await first;
}
