class Set<T> {
  items: T[] = [];
}
