for (const item of items) {
  count++;
}
