function Promise(executor: () => void) {
  return executor;
}
